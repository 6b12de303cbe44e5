// Tours the emulator with Ably's JavaScript SDK configured only from the environment the
// emulator prints, and otherwise the SDK's defaults (MessagePack, WebSocket heartbeats), as
// a user following the README would; prints what it saw as one JSON document for
// interop_emulator_test.go to judge.
//
//   ABLY_ENDPOINT  the emulator, http://HOST:PORT
//   ABLY_API_KEY   its key
//   node emulator.mjs [CHANNEL]
//
// Once the tour is done it keeps both Realtime clients connected until its stdin closes,
// so that the test can look at their connections, then closes them and prints.
import * as Ably from 'ably';

const channelName = process.argv[2] || 'emulator-tour';
const timeoutMs = 15000;

const endpoint = new URL(process.env.ABLY_ENDPOINT);
const tls = endpoint.protocol === 'https:';
const port = Number(endpoint.port) || (tls ? 443 : 80);
const where = { endpoint: endpoint.hostname, tls, ...(tls ? { tlsPort: port } : { port }), logLevel: 0 };
const key = process.env.ABLY_API_KEY;

// seen grows as the tour goes, so that a timeout can print how far it got.
const seen = { steps: [], received: [], ownPresence: [], restPresence: [], history: [], states: {} };
const step = (s) => seen.steps.push(s);

const isBytes = (d) => Buffer.isBuffer(d) || d instanceof ArrayBuffer || ArrayBuffer.isView(d);
const kind = (d) => (isBytes(d) ? 'bytes' : typeof d);
const showMessage = (m) => ({
  name: m.name, kind: kind(m.data), data: isBytes(m.data) ? Buffer.from(m.data).toString('base64') : m.data,
  clientId: m.clientId, connectionId: m.connectionId,
});
const showMember = (p) => ({ action: p.action, clientId: p.clientId, connectionId: p.connectionId, data: p.data });

const stdinClosed = new Promise((resolve) => {
  process.stdin.on('end', resolve);
  process.stdin.on('close', resolve);
  process.stdin.resume();
});

const clients = [];
function realtime(name, opts) {
  const rt = new Ably.Realtime({ ...where, ...opts });
  clients.push(rt);
  seen.states[name] = [];
  // The reason is kept where it says what went wrong; closing always has one.
  const clean = ['connecting', 'connected', 'closing', 'closed'];
  rt.connection.on((c) => seen.states[name].push(c.reason && !clean.includes(c.current) ? `${c.current} (${c.reason.code} ${c.reason.message})` : c.current));
  return rt;
}

// close ends a client and waits for CLOSED, the clean end.
async function close(rt) {
  if (rt.connection.state === 'closed') return;
  const closed = rt.connection.once('closed');
  rt.close();
  await closed;
}

async function tour() {
  const a = realtime('a', { key, clientId: 'js-sub' });
  await a.connection.once('connected');
  seen.a = { connectionId: a.connection.id, clientId: a.auth.clientId };
  const chA = a.channels.get(channelName);
  let gotAll;
  const allReceived = new Promise((resolve) => { gotAll = resolve; });
  let ownEntered;
  const entered = new Promise((resolve) => { ownEntered = resolve; });
  await chA.subscribe((m) => {
    seen.received.push(showMessage(m));
    if (seen.received.length >= 3) gotAll();
  });
  // The member is in presence.get() once the server has echoed the enter back.
  await chA.presence.subscribe((p) => {
    if (p.clientId === 'js-sub') ownEntered();
  });
  await chA.presence.enter({ mood: 'listening' });
  step('a subscribed and entered');

  const rest = new Ably.Rest({ ...where, key });
  const chRest = rest.channels.get(channelName);
  await chRest.publish('text', 'hello from rest');
  await chRest.publish('binary', Buffer.from([0, 1, 2, 255]));
  step('rest published');

  // A token request without a capability (the key's, on Ably) is tried apart, so that its
  // outcome is reported without stopping the tour; B's token names its capability.
  try {
    const plain = await rest.auth.requestToken({ clientId: 'js-token' });
    seen.keyCapabilityToken = { clientId: plain.clientId, capability: plain.capability, hasToken: typeof plain.token === 'string' };
  } catch (err) {
    seen.keyCapabilityToken = { error: { message: err.message, code: err.code, statusCode: err.statusCode } };
  }
  const td = await rest.auth.requestToken({ clientId: 'js-token', capability: { [channelName]: ['publish', 'subscribe'] } });
  seen.token = { clientId: td.clientId, keyName: td.keyName, capability: td.capability, hasToken: typeof td.token === 'string' };
  const b = realtime('b', { token: td.token });
  await b.connection.once('connected');
  seen.b = { connectionId: b.connection.id, clientId: b.auth.clientId };
  await b.channels.get(channelName).publish('from-token', { via: 'token' });
  step('b published');

  await allReceived;
  step('a received all');
  await entered;
  seen.ownPresence = (await chA.presence.get()).map(showMember);
  step('a read presence');

  const page = await chRest.history({ direction: 'forwards' });
  seen.history = page.items.map(showMessage);
  seen.restPresence = (await chRest.presence.get()).items.map(showMember);
  step('rest read history and presence');

  await stdinClosed;
  await Promise.all([close(a), close(b)]);
  seen.closed = { a: a.connection.state, b: b.connection.state };
  step('closed');
  return seen;
}

const timer = setTimeout(() => {
  seen.error = { message: `timed out after ${timeoutMs} ms` };
  process.stdout.write(JSON.stringify(seen) + '\n');
  process.exit(2);
}, timeoutMs);

tour().then(
  (out) => {
    clearTimeout(timer);
    process.stdout.write(JSON.stringify(out) + '\n');
    process.exit(0);
  },
  (err) => {
    clearTimeout(timer);
    seen.error = { message: err.message, code: err.code, statusCode: err.statusCode };
    process.stdout.write(JSON.stringify(seen) + '\n');
    for (const rt of clients) rt.close();
    process.exit(1);
  },
);
