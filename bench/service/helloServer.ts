/**
 * The reference of the HTTP benchmark: a bare fastify hello-world, in its own process like the
 * service, silent logger. `PORT` from the environment; prints `ready` when listening.
 */
import Fastify from 'fastify';
import pino from 'pino';

const app = Fastify({ loggerInstance: pino({ enabled: false }) });
app.get('/', async () => ({ hello: 'world' }));
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
process.stdout.write('ready\n');
process.on('SIGTERM', () => {
  void app.close().then(() => process.exit(0));
});
