/**
 * A small fake of Keystone v3 and Neutron v2.0 for integration tests, on 127.0.0.1, each on its own port as
 * on a packstack controller (:5000 and :9696). The real `openstack` CLI talks to it: version discovery,
 * POST /v3/auth/tokens (X-Subject-Token, a catalog whose "network" endpoint points at the Neutron port), then
 * networks/subnets/routers/ports/agents with X-Auth-Token. Name lookups get the 404 NeutronError the CLI
 * needs before it retries with ?name=. ../shared/samples/openstack/CLI.md lists what the CLI sends.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type AgentSeed,
  NeutronFault,
  NeutronStore,
  PROJECT_ID,
  type Resource,
} from './fake-neutron-store.js';

export interface FakeOpenstackOptions {
  /** The admin password Keystone accepts; default 'abc123' (the runbook's). */
  password?: string;
  agents?: readonly AgentSeed[];
}

export interface RecordedRequest {
  service: 'identity' | 'network';
  method: string;
  path: string;
  status: number;
}

export interface FakeOpenstack {
  /** OS_AUTH_URL for keystonerc_admin, e.g. http://127.0.0.1:41234/v3 */
  authUrl: string;
  /** The Neutron endpoint the catalog lists. */
  networkUrl: string;
  password: string;
  store: NeutronStore;
  requests: RecordedRequest[];
  /** The next Neutron request of `method` whose path starts with `path` fails with this NeutronError. */
  failNext(method: string, path: string, fault: { status: number; type: string; message: string }): void;
  /** Empties the store (agents back to packstack's four, alive), the request log and pending failures. */
  reset(): void;
  close(): Promise<void>;
}

const ADMIN = { id: '4d7f1c0a6b2e4f3aa1c9d8e7f6a5b4c3', name: 'admin' };
const DOMAIN = { id: 'default', name: 'Default' };

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'x-openstack-request-id': `req-${randomUUID()}`,
    ...headers,
  });
  res.end(text);
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

/** Neutron's list filters: every query key must match the field's value (any of repeated values). */
function matches(resource: Resource, query: URLSearchParams): boolean {
  const ignored = new Set(['fields', 'limit', 'marker', 'page_reverse', 'sort_key', 'sort_dir']);
  for (const key of new Set(query.keys())) {
    if (ignored.has(key)) continue;
    const wanted = query.getAll(key);
    const value = resource[key];
    const text = Array.isArray(value) ? value.map(String) : [String(value)];
    if (!wanted.some((w) => text.includes(w))) return false;
  }
  return true;
}

const SINGULAR: Record<string, string> = {
  networks: 'network',
  subnets: 'subnet',
  routers: 'router',
  ports: 'port',
  agents: 'agent',
};
const KIND: Record<string, string> = {
  networks: 'Network',
  subnets: 'Subnet',
  routers: 'Router',
  ports: 'Port',
  agents: 'Agent',
};

const EXTENSIONS = [
  'external-net',
  'router',
  'provider',
  'agent',
  'dhcp_agent_scheduler',
  'l3_agent_scheduler',
  'extraroute',
  'ext-gw-mode',
  'binding',
  'quotas',
  'security-group',
].map((alias) => ({
  alias,
  name: alias,
  description: alias,
  updated: '2013-01-01T00:00:00-00:00',
  links: [],
}));

export async function startFakeOpenstack(opts: FakeOpenstackOptions = {}): Promise<FakeOpenstack> {
  const password = opts.password ?? 'abc123';
  const tokens = new Set<string>();
  const requests: RecordedRequest[] = [];
  let failures: { method: string; path: string; fault: NeutronFault }[] = [];
  const fake = {
    store: new NeutronStore(opts.agents),
  };
  let identityUrl = '';
  let networkUrl = '';

  const record = (service: RecordedRequest['service'], req: IncomingMessage, res: ServerResponse) =>
    res.once('finish', () =>
      requests.push({ service, method: req.method ?? '', path: req.url ?? '', status: res.statusCode }),
    );

  const identity = createServer((req, res) => {
    record('identity', req, res);
    handleIdentity(req, res).catch((err: unknown) =>
      send(res, 500, { error: { code: 500, message: String(err) } }),
    );
  });
  const network = createServer((req, res) => {
    record('network', req, res);
    handleNetwork(req, res).catch((err: unknown) => {
      if (err instanceof NeutronFault)
        return send(res, err.status, { NeutronError: { type: err.type, message: err.message, detail: '' } });
      send(res, 500, { NeutronError: { type: 'HTTPInternalServerError', message: String(err), detail: '' } });
    });
  });

  const version = () => ({
    id: 'v3.14',
    status: 'stable',
    updated: '2020-04-07T00:00:00Z',
    links: [{ rel: 'self', href: `${identityUrl}/v3/` }],
    'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.identity-v3+json' }],
  });

  async function handleIdentity(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', identityUrl).pathname.replace(/\/$/, '');
    if (req.method === 'GET' && path === '') return send(res, 300, { versions: { values: [version()] } });
    if (req.method === 'GET' && path === '/v3') return send(res, 200, { version: version() });
    if (req.method === 'POST' && path === '/v3/auth/tokens') {
      const body = (await readJson(req)) as {
        auth?: { identity?: { password?: { user?: { name?: string; password?: string } } } };
      };
      const user = body.auth?.identity?.password?.user;
      if (user?.name !== ADMIN.name || user.password !== password) {
        return send(res, 401, {
          error: {
            code: 401,
            title: 'Unauthorized',
            message: 'The request you have made requires authentication.',
          },
        });
      }
      const token = `gAAAAA${randomBytes(24).toString('base64url')}`;
      tokens.add(token);
      const issued = new Date();
      return send(
        res,
        201,
        {
          token: {
            methods: ['password'],
            user: { ...ADMIN, domain: DOMAIN, password_expires_at: null },
            audit_ids: [randomBytes(16).toString('base64url')],
            expires_at: new Date(issued.getTime() + 3600_000).toISOString().replace('Z', '000Z'),
            issued_at: issued.toISOString().replace('Z', '000Z'),
            project: { id: PROJECT_ID, name: 'admin', domain: DOMAIN },
            is_domain: false,
            roles: [
              { id: 'a1b2c3d4e5f60718293a4b5c6d7e8f90', name: 'admin' },
              { id: '0f9e8d7c6b5a49382716a5b4c3d2e1f0', name: 'member' },
            ],
            catalog: [
              {
                id: '1e2d3c4b5a6978877665544332211000',
                type: 'identity',
                name: 'keystone',
                endpoints: ['public', 'internal', 'admin'].map((iface) => ({
                  id: randomUUID().replace(/-/g, ''),
                  interface: iface,
                  region: 'RegionOne',
                  region_id: 'RegionOne',
                  url: `${identityUrl}/v3`,
                })),
              },
              {
                id: '9a8b7c6d5e4f30211203f4e5d6c7b8a9',
                type: 'network',
                name: 'neutron',
                endpoints: ['public', 'internal', 'admin'].map((iface) => ({
                  id: randomUUID().replace(/-/g, ''),
                  interface: iface,
                  region: 'RegionOne',
                  region_id: 'RegionOne',
                  url: networkUrl,
                })),
              },
            ],
          },
        },
        { 'x-subject-token': token },
      );
    }
    send(res, 404, { error: { code: 404, title: 'Not Found', message: 'The resource could not be found.' } });
  }

  async function handleNetwork(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', networkUrl);
    const path = url.pathname.replace(/\/$/, '');
    const v2 = { id: 'v2.0', status: 'CURRENT', links: [{ href: `${networkUrl}/v2.0/`, rel: 'self' }] };
    if (req.method === 'GET' && path === '') return send(res, 200, { versions: [v2] });
    if (!tokens.has(String(req.headers['x-auth-token'] ?? ''))) {
      return send(res, 401, {
        error: {
          code: 401,
          title: 'Unauthorized',
          message: 'The request you have made requires authentication.',
        },
      });
    }
    const failure = failures.find((f) => f.method === req.method && path.startsWith(f.path));
    if (failure) {
      failures = failures.filter((f) => f !== failure);
      throw failure.fault;
    }
    if (req.method === 'GET' && path === '/v2.0') {
      return send(res, 200, {
        resources: Object.keys(SINGULAR).map((c) => ({
          name: SINGULAR[c],
          collection: c,
          links: [{ href: `${networkUrl}/v2.0/${c}`, rel: 'self' }],
        })),
      });
    }
    if (req.method === 'GET' && path === '/v2.0/extensions')
      return send(res, 200, { extensions: EXTENSIONS });
    const ext = /^\/v2\.0\/extensions\/([^/]+)$/.exec(path);
    if (req.method === 'GET' && ext) {
      const found = EXTENSIONS.find((e) => e.alias === ext[1]);
      if (found) return send(res, 200, { extension: found });
      throw new NeutronFault(404, 'ExtensionNotFound', `Extension with alias ${ext[1]} does not exist`);
    }
    const m =
      /^\/v2\.0\/(networks|subnets|routers|ports|agents)(?:\/([^/]+))?(?:\/(add_router_interface))?$/.exec(
        path,
      );
    const name = m?.[1];
    const list = name ? fake.store.collection(name) : undefined;
    if (!m || !name || !list) throw new NeutronFault(404, 'HTTPNotFound', 'The resource could not be found.');
    const one = SINGULAR[name] ?? name;
    const id = m[2] && decodeURIComponent(m[2]);
    if (req.method === 'GET' && !id)
      return send(res, 200, { [name]: list.filter((r) => matches(r, url.searchParams)) });
    if (req.method === 'GET' && id)
      return send(res, 200, { [one]: fake.store.get(list, id, KIND[name] ?? name) });
    const body = await readJson(req);
    const fields = (body[one] ?? {}) as Record<string, unknown>;
    if (req.method === 'POST' && !id) {
      const created =
        name === 'networks'
          ? fake.store.createNetwork(fields)
          : name === 'subnets'
            ? fake.store.createSubnet(fields)
            : name === 'routers'
              ? fake.store.createRouter(fields)
              : undefined;
      if (!created) throw new NeutronFault(405, 'HTTPMethodNotAllowed', 'Method not allowed here.');
      return send(res, 201, { [one]: created });
    }
    if (req.method === 'PUT' && name === 'routers' && id && m[3])
      return send(res, 200, fake.store.addRouterInterface(id, body));
    if (req.method === 'PUT' && name === 'routers' && id)
      return send(res, 200, { router: fake.store.updateRouter(id, fields) });
    throw new NeutronFault(405, 'HTTPMethodNotAllowed', 'Method not allowed here.');
  }

  const identityPort = await listen(identity);
  const networkPort = await listen(network);
  identityUrl = `http://127.0.0.1:${identityPort}`;
  networkUrl = `http://127.0.0.1:${networkPort}`;
  return {
    authUrl: `${identityUrl}/v3`,
    networkUrl,
    password,
    get store() {
      return fake.store;
    },
    requests,
    failNext(method, path, { status, type, message }) {
      failures.push({ method, path, fault: new NeutronFault(status, type, message) });
    },
    reset() {
      fake.store = new NeutronStore(opts.agents);
      requests.length = 0;
      failures = [];
    },
    async close() {
      for (const server of [identity, network]) {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    },
  };
}
