import { createPublicKey, type KeyObject, timingSafeEqual, verify } from 'node:crypto';
import { Socket } from 'node:net';
import ssh2, {
  type AuthContext,
  type ParsedKey,
  type Server,
  type ServerChannel,
  type ServerConnection,
} from 'ssh2';
import { authKey } from '../../src/ssh/auth-key.js';
import { PID_PREFIX } from '../../src/ssh/remote-process.js';
import { NTP_STATUS_COMMAND, NTP_STATUS_REPEATING } from '../../src/tasks/chrony/remote-command.js';
import { type Reply, statusReplies } from './chronyc-replies.js';
import type { FleetHost } from './fleet-plan.js';

/** What the fleet counts while it runs (read by tests and benches). */
export interface FleetCounters {
  connections: number;
  /** Connections open at once, at most so far (a connection counts until its client has ended it). */
  maxOpen: number;
  /** Connections accepted, by host name. */
  byHost: Map<string, number>;
  authFailures: number;
  /** Status checks answered: one a status command, one a newline read by a status loop. */
  commands: number;
  /** Status checks, by host name (as `commands`). */
  commandsByHost: Map<string, number>;
  /** Status loops started (labops' long-lived channel, SshPool.execRepeating). */
  loops: number;
  /** Status loops refused (refuseLoops). */
  loopsRefused: number;
  unknownCommands: number;
  kills: number;
  /** Kills of a command's process group (a cancel, a timeout), by host name. */
  killsByHost: Map<string, number>;
}

export interface HostServerOptions {
  port: number;
  /** The private key the host presents, parsed (see hostKeyOf). */
  hostKey: ParsedKey;
  /** The one client public key it accepts (see clientKeyOf). */
  clientKey: ClientKey;
  /** Delay before a slow host answers a command. */
  slowMs: number;
  counters: FleetCounters;
  /** Open client connections, so stop() can end them (a server only closes once its connections have). */
  live: Set<ServerConnection>;
  /** Refuse the status loop as a host whose ForceCommand allows only the plain command would: it prints why, exits 1. */
  refuseLoops?: boolean;
}

const MARK = /echo '(\S+) begin chronyc'/.exec(NTP_STATUS_COMMAND)?.[1];
if (!MARK) throw new Error('fleet: cannot find the begin marker in NTP_STATUS_COMMAND');
const REPLIES = statusReplies(MARK);
const STATUS = `${PID_PREFIX}${NTP_STATUS_COMMAND}`;
const LOOP = `${PID_PREFIX}${NTP_STATUS_REPEATING.loop}`;
const KILL = /^kill -KILL -- -(\d+) 2>\/dev\/null$/;

/** The status loops running, by the pid they reported: a kill of that group ends one. */
const loops = new Map<number, ServerChannel>();

/** Each session gets a pid of its own, as sshd would give its shell; labops reads it from stderr first. */
let nextPid = 10_000;

/** The client key as the fleet checks it: ssh2's parsed key, and for ed25519 a KeyObject made once. */
export interface ClientKey {
  parsed: ParsedKey;
  pub: Buffer;
  keyObject?: KeyObject;
}

/**
 * ssh2 verifies a signature with the key's PEM text, which OpenSSL parses again at each call (most of a simulated
 * host's CPU per connection, with the host key's signature below): an ed25519 key is checked with a KeyObject.
 */
export function clientKeyOf(text: string): ClientKey {
  const parsed = parsePublicKey(text);
  return {
    parsed,
    pub: parsed.getPublicSSH(),
    keyObject: parsed.type === 'ssh-ed25519' ? createPublicKey(parsed.getPublicPEM()) : undefined,
  };
}

/**
 * The host key as the server signs with: for ed25519 its signature made with a KeyObject instead of the PEM text
 * (labops' own client key gets the same, src/ssh/auth-key.ts).
 */
export function hostKeyOf(privateText: string): ParsedKey {
  const key = authKey(Buffer.from(privateText));
  if (key instanceof Error) throw new Error(`fleet: cannot use a host key: ${key.message}`);
  return key;
}

function signatureOk(key: ClientKey, blob: Buffer, signature: Buffer, hashAlgo?: string): boolean {
  if (!key.keyObject) return key.parsed.verify(blob, signature, hashAlgo) === true;
  try {
    return verify(null, blob, key.keyObject, signature);
  } catch {
    return false;
  }
}

/** Accepts the fleet's one client key, with a valid signature; a wrong key or signature is counted. */
function authorised(ctx: AuthContext, clientKey: ClientKey, counters: FleetCounters): boolean {
  if (ctx.method !== 'publickey' || !ctx.key) return false;
  const pub = clientKey.pub;
  const same = ctx.key.data.length === pub.length && timingSafeEqual(ctx.key.data, pub);
  // the first, unsigned offer only asks whether the key would do
  const ok =
    same && (!ctx.signature || !ctx.blob || signatureOk(clientKey, ctx.blob, ctx.signature, ctx.hashAlgo));
  if (!ok && ctx.method === 'publickey') counters.authFailures++;
  return ok;
}

function reply(channel: ServerChannel, pid: number, r: Reply): void {
  channel.stderr.write(`@@labops-pgid ${pid}\n`);
  channel.write(r.stdout);
  channel.exit(r.exitCode);
  channel.end();
}

function countCheck(host: FleetHost, o: HostServerOptions): void {
  o.counters.commands++;
  o.counters.commandsByHost.set(host.name, (o.counters.commandsByHost.get(host.name) ?? 0) + 1);
}

/**
 * The status loop as a host's shell runs it: one framed reply for each newline it reads, one at a time (a slow host
 * slow for each); EOF ends it once the lines read before are answered, a kill of its group at once.
 */
function runLoop(host: FleetHost, channel: ServerChannel, pid: number, o: HostServerOptions): void {
  o.counters.loops++;
  loops.set(pid, channel);
  channel.stderr.write(`@@labops-pgid ${pid}\n`);
  let waiting = 0;
  let busy = false;
  let eof = false;
  let over = false;
  const finish = () => {
    if (over) return;
    over = true;
    loops.delete(pid);
    channel.exit(0);
    channel.end();
  };
  const next = () => {
    if (over || busy) return;
    if (waiting === 0) return eof ? finish() : undefined;
    waiting--;
    busy = true;
    countCheck(host, o);
    const send = () => {
      busy = false;
      if (over) return;
      channel.write(REPLIES[host.state].stdout);
      next();
    };
    if (host.behaviour === 'slow') setTimeout(send, o.slowMs).unref();
    else send();
  };
  channel.on('data', (b: Buffer) => {
    for (const byte of b) if (byte === 0x0a) waiting++;
    next();
  });
  channel.on('end', () => {
    eof = true;
    next();
  });
  channel.on('close', () => {
    over = true;
    loops.delete(pid);
  });
}

/** A kill of a status loop's group ends it as the host's kernel would: exit by SIGKILL, the channel closed. */
function killLoop(pid: number): void {
  const loop = loops.get(pid);
  if (!loop) return;
  loops.delete(pid);
  loop.exit('KILL', false, '');
  loop.end();
}

function answer(host: FleetHost, command: string, channel: ServerChannel, o: HostServerOptions): void {
  const pid = nextPid++;
  const kill = KILL.exec(command);
  if (command === STATUS) {
    countCheck(host, o);
    const r = REPLIES[host.state];
    if (host.behaviour === 'slow') setTimeout(() => reply(channel, pid, r), o.slowMs).unref();
    else reply(channel, pid, r);
  } else if (command === LOOP && o.refuseLoops) {
    o.counters.loopsRefused++;
    channel.stderr.write('fleet: this host allows only the plain status command\n');
    channel.exit(1);
    channel.end();
  } else if (command === LOOP) {
    runLoop(host, channel, pid, o);
  } else if (kill) {
    o.counters.kills++;
    o.counters.killsByHost.set(host.name, (o.counters.killsByHost.get(host.name) ?? 0) + 1);
    killLoop(Number(kill[1]));
    channel.exit(0);
    channel.end();
  } else {
    // the fleet speaks only labops' status command: anything else is a test's mistake, said plainly
    o.counters.unknownCommands++;
    const name = command.startsWith(PID_PREFIX) ? command.slice(PID_PREFIX.length) : command;
    reply(channel, pid, { stdout: '', exitCode: 127 });
    channel.stderr.write(`fleet: ${host.name} does not simulate: ${name.slice(0, 80)}\n`);
  }
}

/** The TCP socket under an ssh2 server connection (ssh2 keeps it as `_sock`), if it is there. */
function socketOf(client: ServerConnection): Socket | undefined {
  const sock = (client as unknown as { _sock?: unknown })._sock;
  return sock instanceof Socket ? sock : undefined;
}

/** One simulated host: an ssh2 server on the host's own loopback address. Resolves once it listens. */
export function startHostServer(host: FleetHost, o: HostServerOptions): Promise<Server> {
  const server = new ssh2.Server({ hostKeys: [{ key: o.hostKey }] }, (client) => {
    o.counters.connections++;
    o.counters.byHost.set(host.name, (o.counters.byHost.get(host.name) ?? 0) + 1);
    o.live.add(client);
    o.counters.maxOpen = Math.max(o.counters.maxOpen, o.live.size);
    // gone once the client ends it: that comes before the client's own 'close', which frees its descriptor
    const gone = () => o.live.delete(client);
    client.on('end', gone);
    client.on('close', gone);
    client.on('error', () => undefined); // a client that goes away mid-handshake is no news
    client.on('authentication', (ctx) =>
      authorised(ctx, o.clientKey, o.counters) ? ctx.accept() : ctx.reject(['publickey']),
    );
    client.on('session', (accept) => {
      const session = accept();
      session.on('exec', (acceptExec, _reject, info) => {
        // sshd sends its answer to an exec request and the shell's first output (the pid line) in one write, one
        // turn of its loop; ssh2 would write them apart, and the second would wait (Nagle) for the client's delayed
        // ACK, ~40 ms, as no real sshd makes labops wait. Done for the status loop, whose client waits for that
        // line before its first newline; plain commands are left as they were (so their figures compare).
        const sock = info.command === LOOP ? socketOf(client) : undefined;
        sock?.cork();
        answer(host, info.command, acceptExec(), o);
        if (sock) process.nextTick(() => sock.uncork());
      });
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    (server as unknown as { listen(port: number, address: string, cb: () => void): void }).listen(
      o.port,
      host.address,
      () => {
        server.off('error', reject);
        resolve(server);
      },
    );
  });
}

export function parsePublicKey(text: string): ParsedKey {
  const k = ssh2.utils.parseKey(text);
  if (k instanceof Error) throw new Error(`fleet: cannot parse a key: ${k.message}`);
  return Array.isArray(k) ? (k[0] as ParsedKey) : k;
}
