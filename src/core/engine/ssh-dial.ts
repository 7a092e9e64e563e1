import { Agent, type ClientRequestArgs } from 'node:http';
import type { Duplex } from 'node:stream';
import { Client, type ConnectConfig } from 'ssh2';

/**
 * An HTTP agent whose every connection is `docker system dial-stdio` run on the ssh host, which
 * is what the docker CLI's ssh transport does. docker-modem has its own, but it builds each
 * request's URL from a bare host name as `ssh:host:port...`, which Node flags as invalid (a
 * DEP0170 warning on every run, an error in later Node versions); here the modem speaks plain
 * HTTP and only the socket is SSH.
 */
export class SshDialAgent extends Agent {
  constructor(readonly config: ConnectConfig) {
    // One SSH connection per request, closed with it: dial-stdio serves one HTTP exchange.
    super({ keepAlive: false });
  }

  override createConnection(
    _options: ClientRequestArgs,
    callback?: (error: Error | null, stream: Duplex) => void,
  ): undefined {
    const client = new Client();
    let settled = false;
    const settle = (error: Error | null, stream?: Duplex) => {
      if (settled) return;
      settled = true;
      // http.Agent's callback takes a stream even on error; it is not used then.
      callback?.(error, stream ?? (undefined as unknown as Duplex));
    };
    client.once('ready', () => {
      client.exec('docker system dial-stdio', (error, channel) => {
        if (error) {
          client.end();
          settle(error);
          return;
        }
        channel.once('close', () => client.end());
        settle(null, channel);
      });
    });
    client.on('error', (error) => {
      client.end();
      settle(error);
    });
    client.connect(this.config);
    return undefined;
  }
}
