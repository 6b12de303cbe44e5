// Drives Ably's JavaScript SDK (Realtime) against the suite's fake, and prints what it saw
// as one JSON document, for interop_realtime_test.go to judge.
//
//   ABLY_INTEROP_HOST, ABLY_INTEROP_PORT  the fake on loopback (plain http and ws)
//   ABLY_INTEROP_KEY or ABLY_INTEROP_TOKEN  the credential; ABLY_INTEROP_JWTS, JWTs
//     separated by commas, makes an authCallback hand them out one per call instead
//   ABLY_INTEROP_CLIENT_ID  the client ID (with a key)
//   ABLY_INTEROP_BINARY=1  the SDK's default binary protocol (MessagePack, format=msgpack)
//     instead of JSON
//   node realtime.mjs STEP CHANNEL [ARG]
//
// Steps that wait for the test to act (subscribe, enter, resume, auth) run until they have
// what they wait for, or until their stdin closes.
import * as Ably from 'ably';

const [step, channelName, arg] = process.argv.slice(2);

function client(extra = {}) {
  const opts = {
    endpoint: process.env.ABLY_INTEROP_HOST,
    port: Number(process.env.ABLY_INTEROP_PORT),
    tls: false,
    useBinaryProtocol: process.env.ABLY_INTEROP_BINARY === '1', // JSON unless asked: the fake speaks both
    logLevel: 0,
    disconnectedRetryTimeout: 300, // a refused reconnection is retried quickly
    ...extra,
  };
  if (process.env.ABLY_INTEROP_JWTS) {
    const jwts = process.env.ABLY_INTEROP_JWTS.split(',');
    let calls = 0;
    opts.authCallback = (_params, cb) => {
      const jwt = jwts[Math.min(calls, jwts.length - 1)];
      calls++;
      authCalls.n = calls;
      cb(null, jwt);
    };
  } else if (process.env.ABLY_INTEROP_TOKEN) opts.token = process.env.ABLY_INTEROP_TOKEN;
  else opts.key = process.env.ABLY_INTEROP_KEY;
  if (process.env.ABLY_INTEROP_CLIENT_ID) opts.clientId = process.env.ABLY_INTEROP_CLIENT_ID;
  return new Ably.Realtime(opts);
}
const authCalls = { n: 0 };

// kind says what type of data the SDK decoded a message to.
const kind = (d) => (Buffer.isBuffer(d) || d instanceof ArrayBuffer || ArrayBuffer.isView(d) ? 'bytes' : typeof d);
const show = (m) => ({
  id: m.id, name: m.name, kind: kind(m.data), data: kind(m.data) === 'bytes' ? Buffer.from(m.data).toString('base64') : m.data,
  clientId: m.clientId, connectionId: m.connectionId, serial: m.serial,
});
const showPresence = (p) => ({ action: p.action, clientId: p.clientId, connectionId: p.connectionId, data: p.data });

// stdinClosed resolves when the test closes the step's stdin.
const stdinClosed = new Promise((resolve) => {
  process.stdin.on('end', resolve);
  process.stdin.on('close', resolve);
  process.stdin.resume();
});

async function run() {
  const rt = client();
  try {
    await rt.connection.once('connected');
    const channel = rt.channels.get(channelName);
    switch (step) {
      case 'publish': {
        await channel.publish({ name: 'object', data: { n: 1, list: [true, null] }, extras: { headers: { k: 'v' } } });
        await channel.publish('text', 'hello over realtime');
        await channel.publish('bytes', Buffer.from([0, 1, 2, 255]));
        return { published: 3, connectionId: rt.connection.id, clientId: rt.auth.clientId };
      }
      case 'publish-encrypted': {
        // Publishes text and an object encrypted with ARG, a base64 AES key (RSL5).
        const secret = rt.channels.get(channelName, { cipher: { key: arg } });
        await secret.publish('text', 'for your eyes only');
        await secret.publish('object', { pin: 1234 });
        return { published: 2 };
      }
      case 'subscribe': {
        // Collects ARG messages (default 3), then prints them.
        const want = Number(arg || 3);
        const got = [];
        const states = [];
        rt.connection.on((change) => {
          states.push(change.current);
          if (process.env.ABLY_INTEROP_DEBUG) process.stderr.write(`state ${change.current} ${rt.connection.id} ${change.reason && change.reason.code}\n`);
        });
        channel.on((change) => {
          if (process.env.ABLY_INTEROP_DEBUG) process.stderr.write(`channel ${change.current} resumed=${change.resumed} ${change.reason && change.reason.code}\n`);
        });
        const firstId = rt.connection.id;
        await new Promise((resolve) => {
          channel.subscribe((m) => {
            got.push(show(m));
            if (process.env.ABLY_INTEROP_DEBUG) process.stderr.write(`message ${m.name}\n`);
            if (got.length >= want) resolve();
          });
          stdinClosed.then(resolve);
        });
        return { messages: got, connectionIds: [firstId, rt.connection.id], states };
      }
      case 'enter': {
        // Enters as the connection's client with ARG as data, stays until stdin closes.
        await channel.presence.enter(arg || 'here');
        await stdinClosed;
        return { entered: true, connectionId: rt.connection.id };
      }
      case 'presence': {
        // Waits for ARG to be reported by presence.subscribe, then reads presence.get().
        const events = [];
        await new Promise((resolve) => {
          channel.presence.subscribe((p) => {
            events.push(showPresence(p));
            if (p.clientId === arg) resolve();
          });
          stdinClosed.then(resolve);
        });
        const members = await channel.presence.get();
        return { events, members: members.map(showPresence) };
      }
      case 'attach': {
        try {
          await channel.attach();
          return { attached: true, modes: channel.modes };
        } catch (err) {
          return { attached: false, state: channel.state, error: { code: err.code, statusCode: err.statusCode } };
        }
      }
      case 'auth': {
        // Waits for the server's AUTH to be answered (an UPDATE of the connection).
        const firstId = rt.connection.id;
        const update = await Promise.race([
          new Promise((resolve) => rt.connection.once('update', (c) => resolve({ current: c.current, reason: c.reason && c.reason.code }))),
          stdinClosed.then(() => null),
        ]);
        return { connectionIds: [firstId, rt.connection.id], update, authCalls: authCalls.n, state: rt.connection.state };
      }
      default:
        throw new Error('unknown step ' + step);
    }
  } finally {
    rt.close();
  }
}

run().then(
  (out) => { process.stdout.write(JSON.stringify(out) + '\n'); process.exit(0); },
  (err) => { process.stdout.write(JSON.stringify({ error: { message: err.message, code: err.code, statusCode: err.statusCode } }) + '\n'); process.exit(1); },
);
