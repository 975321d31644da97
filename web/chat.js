// natter's chat page: one WebSocket to /ws, one JSON object per event from
// the server (docs/web-json.md), one command line per message to it. Text
// from the server is only ever put in the page as text, never as HTML.
'use strict';

const log = document.getElementById('log');
const form = document.getElementById('form');
const input = document.getElementById('input');
const statusLine = document.getElementById('status');
const roomName = document.getElementById('room');
const peopleList = document.getElementById('people');
const roomList = document.getElementById('rooms');

const maxLines = 2000;        // the log keeps this many lines
const typed = [];             // what was typed, for the up and down keys
let typedAt = 0;
let socket = null;
let retryDelay = 1000;        // doubles after each failed attempt, up to 30 s
let myName = null;            // signed in as
let people = [];
let secret = false;           // the input is a password field

// The same hash natter gives names (FNV-1a of the lower-case name), so a
// name has the same colour here as in an ANSI client.
function nameClass(name) {
  let h = 0x811c9dc5;
  for (const c of name.toLowerCase()) {
    h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
  }
  return 'name n' + (h % 12);
}

function addLine(parts, kind) {
  const p = document.createElement('p');
  if (kind) p.className = kind;
  for (const part of parts) {
    if (typeof part === 'string') {
      p.append(part);
    } else {
      const span = document.createElement('span');
      span.className = part.cls;
      span.textContent = part.text;
      p.append(span);
    }
  }
  const atBottom = log.scrollTop + log.clientHeight >= log.scrollHeight - 4;
  log.append(p);
  while (log.childElementCount > maxLines) log.firstElementChild.remove();
  if (atBottom) log.scrollTop = log.scrollHeight;
}

// A line whose text starts with a name, shown with that name coloured.
function namedLine(name, text, kind) {
  if (name && text.startsWith(name)) {
    addLine([{ cls: nameClass(name), text: name }, text.slice(name.length)], kind);
  } else {
    addLine([text], kind);
  }
}

function renderPeople() {
  peopleList.replaceChildren(...people.map((name) => {
    const li = document.createElement('li');
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = name;
    b.className = nameClass(name);
    b.title = 'Tell ' + name + ' something';
    b.addEventListener('click', () => { input.value = 'tell ' + name + ' '; input.focus(); });
    li.append(b);
    return li;
  }));
}

function renderRooms(rooms) {
  roomList.replaceChildren(...rooms.map((name) => {
    const li = document.createElement('li');
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = name;
    b.title = 'Join ' + name;
    b.addEventListener('click', () => { send('join ' + name); input.focus(); });
    li.append(b);
    return li;
  }));
}

function setSecret(on) {
  secret = on;
  input.type = on ? 'password' : 'text';
  input.placeholder = on ? 'Password (not shown, not kept)' : (myName ? 'Say something, or type help' : 'Type: login <your name>');
}

function setStatus(text, down) {
  statusLine.textContent = text;
  statusLine.classList.toggle('down', !!down);
}

function handle(m) {
  switch (m.type) {
    case 'say':
    case 'emote':
      namedLine(m.from, m.text, m.type + (m.from === myName ? ' mine' : ''));
      break;
    case 'tell':
    case 'announce':
      namedLine(m.from, m.text, m.type);
      break;
    case 'entered':
      if (!people.includes(m.who)) people.push(m.who);
      renderPeople();
      addLine([m.text], 'entered');
      break;
    case 'left':
      people = people.filter((p) => p !== m.who);
      renderPeople();
      addLine([m.text], 'left');
      break;
    case 'signed_in':
      myName = m.name;
      setStatus('Connected as ' + m.name);
      setSecret(false);
      break;
    case 'room':
      roomName.textContent = m.room;
      people = m.people.slice();
      renderPeople();
      // What was said here lately, as the room's history.
      send('history');
      break;
    case 'rooms':
      renderRooms(m.rooms);
      break;
    case 'prompt':
      addLine([m.text], 'system');
      setSecret(!!m.secret);
      break;
    case 'goodbye':
      addLine(['Disconnected: ' + m.reason], 'system');
      break;
    default:
      // The first line names the server: "Welcome to <name>".
      if (m.type === 'system' && m.text.startsWith('Welcome to ')) {
        document.title = m.text.slice('Welcome to '.length);
        document.getElementById('title').textContent = document.title;
      }
      if (m.text !== undefined) addLine([m.text], m.type);
  }
}

function send(line) {
  if (socket && socket.readyState === WebSocket.OPEN) socket.send(line);
}

function connect() {
  const url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws';
  setStatus('Connecting…');
  socket = new WebSocket(url, 'natter.v1');
  const lastName = myName;
  socket.addEventListener('open', () => {
    retryDelay = 1000;
    setStatus('Connected');
    // Back after a drop: log in again under the same name (a registered
    // name asks for its password).
    if (lastName) send('login ' + lastName);
  });
  socket.addEventListener('message', (e) => {
    let m;
    try {
      m = JSON.parse(e.data);
    } catch {
      return;
    }
    if (m && m.v === 1) handle(m);
  });
  socket.addEventListener('close', () => {
    const seconds = Math.round(retryDelay / 1000);
    setStatus('Disconnected; trying again in ' + seconds + ' s…', true);
    addLine(['[connection lost; reconnecting in ' + seconds + ' s]'], 'system');
    setSecret(false);
    people = [];
    renderPeople();
    setTimeout(connect, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 30000);
  });
}

form.addEventListener('submit', (e) => {
  e.preventDefault();
  const line = input.value;
  input.value = '';
  if (secret) {
    send(line);
    setSecret(false);
    return;
  }
  if (line.trim() === '') return;
  typed.push(line);
  if (typed.length > 100) typed.shift();
  typedAt = typed.length;
  addLine(['> ' + line], 'system');
  send(line);
});

input.addEventListener('keydown', (e) => {
  if (secret) return;
  if (e.key === 'ArrowUp' && typedAt > 0) {
    input.value = typed[--typedAt];
    e.preventDefault();
  } else if (e.key === 'ArrowDown' && typedAt < typed.length) {
    typedAt++;
    input.value = typedAt < typed.length ? typed[typedAt] : '';
    e.preventDefault();
  }
});

connect();
