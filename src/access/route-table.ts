// The app's routes as its controllers declare them, with each one's access rule: the boot check
// that every route declares who may use it, and the access matrix test, read this.
import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { ACCESS, AccessRule } from './access.decorator';

export interface DeclaredRoute {
  method: string;
  path: string;
  owner: string;
  rule?: AccessRule;
}

function joinPaths(...parts: (string | string[] | undefined)[]): string {
  const segments = parts.flatMap((part) => (Array.isArray(part) ? part[0] : part) ?? '').flatMap((part) => part.split('/')).filter(Boolean);
  return `/${segments.join('/')}`;
}

export function declaredRoutes(discovery: DiscoveryService, scanner: MetadataScanner, reflector: Reflector): DeclaredRoute[] {
  const routes: DeclaredRoute[] = [];
  for (const wrapper of discovery.getControllers()) {
    const controller = wrapper.metatype as (new (...args: never[]) => unknown) | undefined;
    if (!controller) continue;
    const base = Reflect.getMetadata(PATH_METADATA, controller) as string | string[] | undefined;
    for (const name of scanner.getAllMethodNames(controller.prototype)) {
      const handler = (controller.prototype as Record<string, unknown>)[name] as object;
      const path = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
      if (path === undefined) continue;
      const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
      routes.push({
        method,
        path: joinPaths(base, path),
        owner: `${controller.name}.${name}`,
        rule: reflector.getAllAndOverride<AccessRule | undefined>(ACCESS, [handler as never, controller]),
      });
    }
  }
  return routes;
}
