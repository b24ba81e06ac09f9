import { describe, expect, it } from 'vitest';
import { findRoute, type Route, requestPath } from '../../../src/http/route.js';

describe('requestPath', () => {
  it('keeps the path of an origin-form target, without its query', () => {
    expect(requestPath('/healthz')).toBe('/healthz');
    expect(requestPath('/')).toBe('/');
    expect(requestPath('/admin/queues/api/queues?page=1')).toBe('/admin/queues/api/queues');
    expect(requestPath('/admin/queues/%E0%A4%A')).toBe('/admin/queues/%E0%A4%A'); // not decoded here
  });

  it('refuses what a URL parser would throw on or read as another host', () => {
    for (const target of [
      '//[',
      '//evil.example/healthz',
      'http://[::1/healthz',
      '*',
      '',
      undefined,
      '/\u0000',
      '/ä',
    ])
      expect(requestPath(target), String(target)).toBeUndefined();
  });
});

describe('findRoute', () => {
  const handle = () => undefined;
  const routes: Route[] = [
    { path: '/healthz', methods: ['GET'], handle },
    { path: '/admin/queues', prefix: true, methods: ['GET'], handle },
  ];
  it('matches exact paths, and everything under a prefix route', () => {
    expect(findRoute(routes, '/healthz')?.path).toBe('/healthz');
    expect(findRoute(routes, '/healthz/x')).toBeUndefined();
    expect(findRoute(routes, '/admin/queues')?.path).toBe('/admin/queues');
    expect(findRoute(routes, '/admin/queues/api/queues')?.path).toBe('/admin/queues');
    expect(findRoute(routes, '/admin/queuesX')).toBeUndefined();
  });
});
