// Drives Ably's JavaScript SDK (REST) against an endpoint given in the environment, and
// prints what it saw as one JSON document, for interop_test.go and
// interop_rest_msgpack_test.go to judge.
//
//   ABLY_INTEROP_HOST, ABLY_INTEROP_PORT  the fake REST API on loopback (plain http)
//   ABLY_INTEROP_KEY or ABLY_INTEROP_TOKEN  the credential
//   ABLY_INTEROP_CIPHER  a base64 AES key, for the encrypted step
//   ABLY_INTEROP_BINARY=1  the SDK's default binary protocol (MessagePack) instead of JSON,
//     for the emulator's REST front; the plain REST fake speaks JSON only
//   node rest.mjs STEP CHANNEL
import * as Ably from 'ably';

const [step, channelName] = process.argv.slice(2);
const opts = {
  restHost: process.env.ABLY_INTEROP_HOST,
  port: Number(process.env.ABLY_INTEROP_PORT),
  tls: false,
  logLevel: 0,
};
if (process.env.ABLY_INTEROP_BINARY !== '1') opts.useBinaryProtocol = false; // else the SDK's default
if (process.env.ABLY_INTEROP_TOKEN) opts.token = process.env.ABLY_INTEROP_TOKEN;
else opts.key = process.env.ABLY_INTEROP_KEY;
const rest = new Ably.Rest(opts);
const channel = rest.channels.get(channelName);

const show = (m) => ({ id: m.id, name: m.name, data: m.data, clientId: m.clientId, serial: m.serial, extras: m.extras, timestamp: m.timestamp });

async function run() {
  switch (step) {
    case 'publish':
      await channel.publish({ name: 'from-js', data: { n: 1 }, extras: { headers: { k: 'v' } } });
      await channel.publish('text', 'hello from ably-js');
      await channel.publish('bytes', Buffer.from([0, 1, 2, 255]));
      return { published: 3 };
    case 'publish-encrypted': {
      const secret = rest.channels.get(channelName, { cipher: { key: process.env.ABLY_INTEROP_CIPHER } });
      await secret.publish('text', 'for your eyes only');
      await secret.publish('object', { pin: 1234 });
      return { published: 2 };
    }
    case 'history': {
      const page = await channel.history({ direction: 'forwards', limit: 2 });
      const items = [...page.items];
      let next = page;
      while (next.hasNext()) {
        next = await next.next();
        items.push(...next.items);
      }
      return { messages: items.map(show) };
    }
    case 'presence': {
      const page = await channel.presence.get();
      return { members: page.items.map((p) => ({ clientId: p.clientId, connectionId: p.connectionId, action: p.action, data: p.data })) };
    }
    case 'status': {
      const details = await channel.status();
      return { details };
    }
    case 'batch': {
      const res = await rest.batchPublish({ channels: [channelName, channelName + '-2'], messages: [{ name: 'batched', data: 'b' }] });
      return { batch: res };
    }
    case 'token': {
      const td = await rest.auth.requestToken({ capability: { [channelName]: ['publish'] } });
      return { token: { keyName: td.keyName, capability: td.capability, hasToken: typeof td.token === 'string' } };
    }
    default:
      throw new Error('unknown step ' + step);
  }
}

run().then(
  (out) => { process.stdout.write(JSON.stringify(out) + '\n'); },
  (err) => { process.stdout.write(JSON.stringify({ error: { message: err.message, code: err.code, statusCode: err.statusCode } }) + '\n'); process.exitCode = 1; },
);
