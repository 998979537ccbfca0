// The WebSocket client: hello, welcome, ordered events, updates, resync, and reconnecting by
// itself (after Wi-Fi drops, page reloads and server restarts) with `last_seq` + `epoch`, so the
// server replays exactly what was missed.

const BACKOFF_MS = [300, 1000, 2000, 3000, 5000];
const PING_EVERY_MS = 20000;
const SILENCE_MS = 40000;
/** Error codes after which trying again cannot help. */
const FATAL = new Set(['unauthorized', 'not_found', 'forbidden', 'invalid']);

export class GameSocket {
  /**
   * @param {object} o
   * @param {() => object} o.hello the hello fields (player_token / join_code / admin_token+game_id)
   * @param {(msg) => void} o.onWelcome  a welcome (mode snapshot or resume)
   * @param {(frame) => void} o.onEvent  each event frame, in order, without gaps or repeats
   * @param {(update) => void} [o.onUpdate]
   * @param {(snapshot) => void} [o.onResync] a fresh snapshot replacing what the client had
   * @param {(status) => void} [o.onStatus] 'connecting' | 'online' | 'reconnecting' | 'failed'
   * @param {(error) => void} [o.onFatal] the server refused the hello for good
   * @param {number} [o.lastSeq] @param {string|null} [o.epoch] where a stored state stands
   */
  constructor(o) {
    this.o = o;
    this.lastSeq = o.lastSeq || 0;
    this.epoch = o.epoch || null;
    this.ws = null;
    this.attempt = 0;
    this.pending = new Map();
    this.nextId = 1;
    this.stopped = false;
    this.timer = null;
    this.heard = Date.now();
    this.status = 'connecting';
    this.queue = [];
    const kick = () => {
      if (!this.stopped && (!this.ws || this.ws.readyState > 1)) this.connectSoon(0);
    };
    window.addEventListener('online', kick);
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') kick();
    });
    setInterval(() => this.heartbeat(), 5000);
  }

  setStatus(s) {
    if (this.status !== s) {
      this.status = s;
      if (this.o.onStatus) this.o.onStatus(s);
    }
  }

  connect() {
    if (this.stopped) return;
    clearTimeout(this.timer);
    const url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws';
    let ws;
    try {
      ws = new WebSocket(url);
    } catch {
      this.retry();
      return;
    }
    this.ws = ws;
    this.welcomed = false;
    ws.onopen = () => {
      this.heard = Date.now();
      ws.send(JSON.stringify({ type: 'hello', ...this.o.hello(), last_seq: this.lastSeq, epoch: this.epoch }));
    };
    ws.onmessage = (m) => {
      this.heard = Date.now();
      let msg;
      try {
        msg = JSON.parse(m.data);
      } catch {
        return;
      }
      this.handle(msg);
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      for (const [, p] of this.pending) p.reject(new Error('connection lost'));
      this.pending.clear();
      this.retry();
    };
    ws.onerror = () => {};
  }

  connectSoon(ms) {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.connect(), ms);
  }

  retry() {
    if (this.stopped) return;
    this.setStatus('reconnecting');
    const base = BACKOFF_MS[Math.min(this.attempt, BACKOFF_MS.length - 1)];
    this.attempt += 1;
    this.connectSoon(base + Math.floor(Math.random() * 300));
  }

  heartbeat() {
    if (!this.ws || this.ws.readyState !== 1) return;
    if (Date.now() - this.heard > SILENCE_MS) {
      this.ws.close();
      return;
    }
    if (Date.now() - this.heard > PING_EVERY_MS) this.ws.send('{"type":"ping"}');
  }

  handle(msg) {
    switch (msg.type) {
      case 'welcome':
        this.welcomed = true;
        this.attempt = 0;
        if (this.epoch && msg.epoch !== this.epoch) this.lastSeq = 0;
        this.epoch = msg.epoch;
        this.lastSeq = msg.last_seq;
        this.o.onWelcome(msg);
        this.setStatus('online');
        for (const q of this.queue.splice(0)) this.ws.send(JSON.stringify(q));
        break;
      case 'event':
        if (msg.seq <= this.lastSeq) return; // a repeat
        if (msg.seq !== this.lastSeq + 1) {
          // A gap should never happen; start again from where we are.
          if (this.ws) this.ws.close();
          return;
        }
        this.lastSeq = msg.seq;
        this.epoch = msg.epoch || this.epoch;
        this.o.onEvent(msg);
        break;
      case 'update':
        if (this.o.onUpdate) this.o.onUpdate(msg.update);
        break;
      case 'resync':
        this.lastSeq = msg.snapshot.game.last_seq;
        this.epoch = msg.snapshot.epoch;
        if (this.o.onResync) this.o.onResync(msg.snapshot);
        break;
      case 'reconnect':
        this.setStatus('reconnecting');
        break;
      case 'error': {
        const p = msg.request_id && this.pending.get(msg.request_id);
        if (p) {
          this.pending.delete(msg.request_id);
          p.reject(Object.assign(new Error(msg.message), { code: msg.code }));
        } else if (!this.welcomed && FATAL.has(msg.code)) {
          this.stopped = true;
          this.setStatus('failed');
          if (this.o.onFatal) this.o.onFatal(msg);
        }
        break;
      }
      case 'pong':
        break;
      default: {
        const p = msg.request_id && this.pending.get(msg.request_id);
        if (p) {
          this.pending.delete(msg.request_id);
          p.resolve(msg);
        }
      }
    }
  }

  /** Sends a request and resolves with the answer carrying its request_id. */
  request(body, timeoutMs = 10000) {
    const request_id = 'r' + this.nextId++ + '-' + Date.now().toString(36);
    return new Promise((resolve, reject) => {
      if (!this.ws || this.ws.readyState !== 1 || !this.welcomed) {
        reject(Object.assign(new Error('offline'), { code: 'offline' }));
        return;
      }
      this.pending.set(request_id, { resolve, reject });
      this.ws.send(JSON.stringify({ ...body, request_id }));
      setTimeout(() => {
        if (this.pending.delete(request_id)) reject(Object.assign(new Error('timeout'), { code: 'timeout' }));
      }, timeoutMs);
    });
  }

  close() {
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.ws) this.ws.close();
  }
}
