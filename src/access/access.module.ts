// Owns "who is this, and may they do it?": sessions and tokens resolved to an actor, the one
// policy, the one guard, and the brute-force limits. At boot it refuses a route that does not
// declare its access rule.
import { Global, Module, OnModuleInit } from '@nestjs/common';
import { APP_GUARD, DiscoveryModule, DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { AccessGuard } from './access.guard';
import { Authentication } from './authentication.service';
import { RateLimits } from './rate-limits';
import { declaredRoutes } from './route-table';

@Global()
@Module({
  imports: [DiscoveryModule],
  providers: [Authentication, RateLimits, { provide: APP_GUARD, useClass: AccessGuard }],
  exports: [Authentication, RateLimits],
})
export class AccessModule implements OnModuleInit {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  onModuleInit() {
    const undeclared = declaredRoutes(this.discovery, this.scanner, this.reflector).filter((route) => !route.rule);
    if (undeclared.length) {
      throw new Error(`Routes without an access rule (@Public, @SignedIn or @Requires): ${undeclared.map((r) => `${r.method} ${r.path} (${r.owner})`).join(', ')}`);
    }
  }
}
