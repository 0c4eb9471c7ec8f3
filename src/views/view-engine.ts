// Builds the Handlebars instance the views render with: helpers from the explicit list, and every
// file under views/partials registered by its path (views/partials/site-header.hbs → "site-header"),
// synchronously, before the server listens.
import Handlebars from 'handlebars';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { VIEWS_DIR } from '../paths';
import { HELPERS } from './helpers';

function partialFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return partialFiles(path);
    return entry.endsWith('.hbs') ? [path] : [];
  });
}

export function createViewEngine(viewsDir: string = VIEWS_DIR): typeof Handlebars {
  const hbs = Handlebars.create();
  for (const [name, helper] of Object.entries(HELPERS)) hbs.registerHelper(name, helper);
  const partialsDir = join(viewsDir, 'partials');
  for (const file of partialFiles(partialsDir)) {
    const name = relative(partialsDir, file).replace(/\\/g, '/').replace(/\.hbs$/, '');
    hbs.registerPartial(name, readFileSync(file, 'utf8'));
  }
  return hbs;
}
