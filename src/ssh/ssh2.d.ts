// The parts of ssh2 (under node-ssh; no @types/ssh2 here) labops uses: keys (src/ssh/auth-key.ts) and the server side
// (the simulated fleet in test/fleet).
declare module 'ssh2' {
  import type { EventEmitter } from 'node:events';
  import type { Socket } from 'node:net';

  export interface ParsedKey {
    type: string;
    getPublicSSH(): Buffer;
    getPrivatePEM(): string | null;
    getPublicPEM(): string;
    isPrivateKey(): boolean;
    sign(data: Buffer, algo?: string): Buffer | Error;
    verify(data: Buffer, signature: Buffer, hashAlgo?: string): boolean | Error;
  }
  export interface ServerChannel extends EventEmitter {
    stderr: { write(data: string | Buffer): boolean };
    write(data: string | Buffer): boolean;
    exit(code: number): void;
    /** Ended by a signal ('KILL'), as sshd reports a killed command. */
    exit(signal: string, coreDumped: boolean, message: string): void;
    end(): void;
    close(): void;
  }
  export interface AuthContext {
    method: string;
    username: string;
    key?: { algo: string; data: Buffer };
    signature?: Buffer;
    blob?: Buffer;
    hashAlgo?: string;
    accept(): void;
    reject(methods?: string[]): void;
  }
  export interface Session extends EventEmitter {
    on(
      event: 'exec',
      fn: (accept: () => ServerChannel, reject: () => void, info: { command: string }) => void,
    ): this;
    on(event: string, fn: (accept?: () => unknown, reject?: () => void, info?: unknown) => void): this;
  }
  export interface ServerConnection extends EventEmitter {
    on(event: 'authentication', fn: (ctx: AuthContext) => void): this;
    on(event: 'ready', fn: () => void): this;
    on(event: 'handshake', fn: (negotiated: { kex: string }) => void): this;
    on(event: 'session', fn: (accept: () => Session, reject: () => void) => void): this;
    on(event: 'error' | 'close' | 'end', fn: (...args: unknown[]) => void): this;
    end(): void;
  }
  export class Server extends EventEmitter {
    constructor(
      config: { hostKeys: Array<string | Buffer | { key: ParsedKey }>; algorithms?: { kex?: string[] } },
      listener?: (client: ServerConnection) => void,
    );
    listen(port: number, address: string, cb: () => void): this;
    address(): { port: number };
    injectSocket(socket: Socket): void;
    close(cb?: () => void): this;
  }
  export interface Utils {
    parseKey(data: string | Buffer): ParsedKey | ParsedKey[] | Error;
    generateKeyPairSync(type: 'ed25519'): { private: string; public: string };
  }
  // a CommonJS module: Node's ESM loader gives only its default export
  const ssh2: { Server: typeof Server; utils: Utils };
  export default ssh2;
}
