// Watches a user's notifications live over the WebSocket stream, through the edge of the running
// platform (`npm start`), with the `ws` library: what a browser does with `new WebSocket(url)`.
//
//   node tools/examples/notifications-stream.mjs [edge] [e-mail] [password]
//
// Defaults: http://localhost:8000 and the local admin. Steps: sign in (password grant); take a
// single-use stream ticket (browsers cannot set an Authorization header on a WebSocket, so the
// ticket rides in the URL and is worth nothing once used or after 60 s); open
// /notifications/v1/stream?ticket=…&after=<id> — the server first replays what is newer than
// `after` (here: up to the two newest), then pushes every change live; mark the newest one read over
// HTTP and see the `read-state` message arrive on the socket. Prints each message; exits 0 once
// the read-state change has arrived, 1 after 15 s without it.
import WebSocket from 'ws';

const [edge = 'http://localhost:8000', email = 'admin@archipelago.local', password = 'archipelago-admin'] =
  process.argv.slice(2);
const api = `${edge}/notifications/v1`;

const signIn = await fetch(`${edge}/identity/v1/token`, {
  method: 'POST',
  body: new URLSearchParams({ grant_type: 'password', username: email, password }),
});
const { access_token: token } = await signIn.json();
if (!token) throw new Error(`signing in as ${email}: HTTP ${signIn.status}`);
const bearer = { authorization: `Bearer ${token}` };

// Replay the (up to two) newest notifications: ask for what is newer than the third newest.
const { items } = await (await fetch(`${api}/notifications?limit=3`, { headers: bearer })).json();
if (items.length === 0) throw new Error(`${email} has no notification yet`);
const newest = items[0];
const after = items.length > 1 ? items[items.length - 1] : undefined;
const toReplay = items.length - 1;

const { ticket } = await (await fetch(`${api}/stream-tickets`, { method: 'POST', headers: bearer })).json();
const url = `${api.replace(/^http/, 'ws')}/stream?ticket=${ticket}${after ? `&after=${after.id}` : ''}`;
const socket = new WebSocket(url);
// Caught up: change something over HTTP; the socket hears of it (so would a second tab).
const toggleNewest = () =>
  fetch(`${api}/notifications/${newest.id}`, {
    method: 'PATCH',
    headers: { ...bearer, 'content-type': 'application/json' },
    body: JSON.stringify({ read: !newest.read }),
  });
const timeout = setTimeout(() => {
  console.error('no read-state message within 15 s');
  process.exit(1);
}, 15_000);

let replayed = 0;
socket.on('open', () => {
  if (toReplay === 0) void toggleNewest();
});
socket.on('message', (data) => {
  const message = JSON.parse(String(data));
  console.log(`${message.type}: ${message.notification.title} (read: ${message.notification.read})`);
  if (message.type === 'notification' && ++replayed === toReplay) void toggleNewest();
  if (message.type === 'read-state' && message.notification.id === newest.id) {
    clearTimeout(timeout);
    socket.close();
  }
});
socket.on('error', (error) => {
  console.error(`stream: ${error.message}`);
  process.exit(1);
});
