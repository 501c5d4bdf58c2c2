import type { Server } from 'node:http';
import { createApp } from './api/app.ts';
import { type AppConfig, isLoopback, loadConfig } from './config.ts';
import { createServices, type Services } from './services.ts';

/** Starts the product: services, demo data on first start, HTTP server. */
export async function start(config: AppConfig): Promise<{ server: Server; services: Services }> {
  if (config.AUTH_MODE === 'dev') {
    if (!isLoopback(config.HOST)) {
      throw new Error(
        `AUTH_MODE=dev er bare tillatt når serveren lytter på loopback (HOST=127.0.0.1), ikke HOST=${config.HOST}`,
      );
    }
    console.warn(
      [
        '',
        '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!',
        '!!  UTVIKLINGSMODUS (AUTH_MODE=dev): ingen ekte innlogging.                   !!',
        '!!  Brukeren velges med X-Dev-User. Bare på loopback; aldri i produksjon.      !!',
        '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!',
        '',
      ].join('\n'),
    );
  }
  const services = await createServices(config);
  const app = createApp(services);
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(config.PORT, config.HOST, () => resolve(s));
    s.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  services.log(
    'info',
    `Kontraktsoppfølging kjører på http://${config.HOST}:${port} (data: ${config.dataDir})`,
  );
  return { server, services };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  start(loadConfig()).then(
    ({ server, services }) => {
      const stop = () => {
        server.close();
        void services.close().then(() => process.exit(0));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    },
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
