// natter's chat page in a real browser: Debian's Chromium, driven by
// playwright-core, against the real natterd (NATTERD), with a plain TCP
// client on the classic port beside it. Everything listens on 127.0.0.1;
// natterd is stopped by its PID whatever happens.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import http from 'node:http';
import net from 'node:net';
import { chromium } from 'playwright-core';

const natterd = process.env.NATTERD;
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';
const screenshot = process.env.SCREENSHOT;  // where to save a picture of the page, if set
assert.ok(natterd, 'NATTERD must name the natterd binary');

const dir = mkdtempSync(join(tmpdir(), 'natter-web-'));
const children = new Set();
after(() => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

// Starts natterd; resolves with its ports once it logged "listening on".
function startServer(webPort = 0, telnetPort = 0) {
  const config = join(dir, 'natter.toml');
  writeFileSync(config, [
    '[server]', 'name = "TestChat"', 'host = "127.0.0.1"', `port = ${telnetPort}`,
    '[limits]', 'flood_per_second = 0',
    '[accounts]', `database = "${join(dir, 'natter.db')}"`,
    '[[listeners]]', `port = ${webPort}`, 'kind = "web"', '',
  ].join('\n'));
  const child = spawn(natterd, ['--config', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  child.on('exit', () => children.delete(child));
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('natterd did not start:\n' + out)), 10000);
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const web = /web listener on 127\.0\.0\.1:(\d+)/.exec(out);
      const telnet = /listening on 127\.0\.0\.1:(\d+)/.exec(out);
      if (web && telnet) {
        clearTimeout(timer);
        resolve({ child, web: Number(web[1]), telnet: Number(telnet[1]), log: () => out });
      }
    });
  });
}

function stopServer(server) {
  return new Promise((resolve) => {
    if (server.child.exitCode !== null) return resolve();
    server.child.once('exit', resolve);
    server.child.kill('SIGTERM');
  });
}

// A plain telnet-style client: lines in, lines out.
function telnetClient(port) {
  const socket = net.createConnection({ host: '127.0.0.1', port });
  const lines = [];
  let partial = '';
  socket.setEncoding('utf8');
  socket.on('data', (data) => {
    partial += data;
    let end;
    while ((end = partial.indexOf('\r\n')) >= 0) {
      lines.push(partial.slice(0, end));
      partial = partial.slice(end + 2);
    }
  });
  return {
    send: (line) => socket.write(line + '\r\n'),
    async expect(wanted, ms = 5000) {
      const deadline = Date.now() + ms;
      while (Date.now() < deadline) {
        const at = lines.indexOf(wanted);
        if (at >= 0) {
          lines.splice(0, at + 1);
          return;
        }
        await new Promise((r) => setTimeout(r, 20));
      }
      throw new Error(`never got "${wanted}"; got ${JSON.stringify(lines)}`);
    },
    close: () => socket.destroy(),
  };
}

const launch = () => chromium.launch({
  executablePath: chromiumPath,
  headless: true,
  // The probe's flags: this machine's closed network refuses Chromium's
  // own background connections.
  args: ['--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});

test('the page chats with a telnet user, follows the room, and reconnects after a restart', async () => {
  let server = await startServer();
  const browser = await launch();
  try {
    const page = await browser.newPage({ viewport: { width: 900, height: 560 } });
    const started = Date.now();
    await page.goto(`http://127.0.0.1:${server.web}/`);
    const loaded = Date.now() - started;
    await page.locator('#log').getByText('Welcome to TestChat').waitFor();
    assert.ok(loaded < 5000, `the page took ${loaded} ms`);

    await page.fill('#input', 'login Browser');
    await page.press('#input', 'Enter');
    await page.locator('#people').getByText('Browser', { exact: true }).waitFor();
    assert.equal(await page.locator('#room').textContent(), 'lobby');

    const telnet = telnetClient(server.telnet);
    await telnet.expect('Welcome to TestChat');
    telnet.send('login Telnet');
    // The people list follows who comes and goes.
    await page.locator('#people').getByText('Telnet', { exact: true }).waitFor();
    telnet.send('say hello browser');
    await page.locator('#log').getByText('Telnet: hello browser').waitFor();
    // The name is coloured as an ANSI client would colour it.
    const nameClass = await page.locator('#log p.say span.name').last().getAttribute('class');
    assert.match(nameClass, /\bn\d+\b/);

    await page.fill('#input', 'say hello telnet <b>not bold</b>');
    await page.press('#input', 'Enter');
    await telnet.expect('Browser: hello telnet <b>not bold</b>');
    // Chat text is text, never markup.
    assert.equal(await page.locator('#log b').count(), 0);
    assert.equal(await page.title(), 'TestChat');

    // A password prompt turns the input into a password field.
    await page.fill('#input', 'register');
    await page.press('#input', 'Enter');
    await page.locator('#log').getByText('Choose a password:').waitFor();
    assert.equal(await page.getAttribute('#input', 'type'), 'password');
    await page.fill('#input', '');
    await page.press('#input', 'Enter');
    assert.equal(await page.getAttribute('#input', 'type'), 'text');

    if (screenshot) await page.screenshot({ path: screenshot });
    telnet.send('quit');
    await page.locator('#log').getByText('Telnet has left the room.').waitFor();
    assert.equal(await page.locator('#people').getByText('Telnet', { exact: true }).count(), 0);

    // The server goes away and comes back on the same ports: the page says
    // so, retries, and logs in again under the same name.
    await stopServer(server);
    await page.locator('#status').getByText(/Disconnected/).waitFor();
    server = await startServer(server.web, server.telnet);
    await page.locator('#status').getByText('Connected as Browser').waitFor({ timeout: 15000 });
    const again = telnetClient(server.telnet);
    await again.expect('Welcome to TestChat');
    again.send('login Other');
    again.send('who');
    await again.expect('Browser (lobby)');
    again.close();
  } finally {
    await browser.close();
    await stopServer(server);
  }
});

test("another site's page may not open natter's WebSocket", async () => {
  const server = await startServer();
  const browser = await launch();
  try {
    // A page from another origin: another port on the same host.
    const elsewhere = http.createServer((req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end('<p>elsewhere</p>');
    });
    await new Promise((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${elsewhere.address().port}`;
    try {
      const page = await browser.newPage();
      await page.goto(origin + '/');
      const outcome = await page.evaluate((port) => new Promise((resolve) => {
        const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`);
        ws.onopen = () => resolve('opened');
        ws.onerror = () => resolve('refused');
      }), server.web);
      assert.equal(outcome, 'refused');
      // natterd said why (the log may lag the wire a little).
      const expected = `WebSocket refused to the page of origin ${origin}`;
      const deadline = Date.now() + 5000;
      while (!server.log().includes(expected) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.ok(server.log().includes(expected), server.log());
    } finally {
      elsewhere.close();
    }
  } finally {
    await browser.close();
    await stopServer(server);
  }
});
