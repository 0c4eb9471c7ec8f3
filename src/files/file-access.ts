// Who may read a file is decided by what it belongs to: each area that owns files registers a rule
// for its owner kind at start-up (materials: whoever may see the programme or round; attachments:
// whoever may read the post). A file with no owner, or of a kind nobody registered, is its
// uploader's and the admins' only, so a forgotten rule hides a file rather than showing it.
import { Injectable } from '@nestjs/common';
import { Actor } from '../access/capabilities';

/** May this person (null: a guest) see what `ownerId` names, and so its files? */
export type FileAccessRule = (actor: Actor | null, ownerId: string) => boolean | Promise<boolean>;

@Injectable()
export class FileAccessRules {
  private readonly rules = new Map<string, FileAccessRule>();

  /** Called once per owner kind, from the owning area's module (onModuleInit). */
  register(ownerKind: string, rule: FileAccessRule): void {
    if (this.rules.has(ownerKind)) throw new Error(`A file access rule for ${ownerKind} is already registered`);
    this.rules.set(ownerKind, rule);
  }

  async mayRead(actor: Actor | null, file: { uploadedBy: string | null; ownerKind: string | null; ownerId: string | null }): Promise<boolean> {
    if (actor && (actor.siteRole === 'admin' || (file.uploadedBy !== null && file.uploadedBy === actor.id))) return true;
    const rule = file.ownerKind ? this.rules.get(file.ownerKind) : undefined;
    if (!rule || !file.ownerId) return false;
    return rule(actor, file.ownerId);
  }
}
