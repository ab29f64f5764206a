// Shared pieces of the browser tests: Debian's Chromium (installed with apt-get when missing, as
// ./im up installs the servers), driven by playwright-core; no browser download.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { chromium } from 'playwright-core';

export const BASE_URL = (process.env.IM_BASE_URL ?? 'http://localhost:8080').replace(/\/$/, '');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = new URL('../../docs/screenshots/', import.meta.url);
/** How long one step may wait for the app (auto-waiting; never a fixed sleep). */
export const STEP_MS = Number(process.env.IM_BROWSER_STEP_MS ?? 30_000);

export function ensureChromium() {
  if (existsSync(CHROMIUM)) return;
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!root || !existsSync('/usr/bin/apt-get')) {
    throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium)`);
  }
  console.log('browser tests: installing Debian chromium with apt-get');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'chromium', 'fonts-noto-color-emoji'], { stdio: 'inherit', env });
}

export async function launch() {
  ensureChromium();
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking', '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream'],
  });
}

/**
 * A page of the app in `context`, with every CSP violation and page error collected in
 * `page.problems` (a test asserts there are none).
 */
export async function openApp(context) {
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_MS);
  page.problems = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) page.problems.push(m.text());
  });
  page.on('pageerror', (e) => page.problems.push(`pageerror: ${e.message}`));
  // For the report of a failing step: refused API calls (some are expected, e.g. media not yet shared).
  page.apiErrors = [];
  page.on('response', (r) => {
    if (r.url().includes('/api/') && r.status() >= 400) page.apiErrors.push(`${r.request().method()} ${new URL(r.url()).pathname} ${r.status()}`);
  });
  await page.goto(`${BASE_URL}/`);
  return page;
}

export function newUser(name) {
  const suffix = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  return { username: `${name}_${suffix}`.slice(0, 32), displayName: `${name[0].toUpperCase()}${name.slice(1)} ${suffix.slice(-4)}`, password: 'correct horse battery' };
}

export async function register(page, user) {
  await page.getByRole('button', { name: 'New here? Create an account' }).click();
  await page.getByLabel('Username').fill(user.username);
  await page.getByLabel('Display name').fill(user.displayName);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await connected(page);
}

export async function logIn(page, user) {
  await page.getByLabel('Username').fill(user.username);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await connected(page);
}

export function connected(page) {
  return page.locator('[data-testid=connection][data-state=open]').waitFor();
}

export function conversation(page, title) {
  return page.locator(`[data-testid=conversation][data-title="${title}"]`);
}

export async function openChat(page, title) {
  await page.getByRole('button', { name: 'Chats', exact: true }).click();
  await conversation(page, title).click();
  await page.getByRole('region', { name: `Chat with ${title}` }).waitFor();
}

export async function sendText(page, text) {
  const box = page.getByLabel('Message', { exact: true });
  await box.fill(text);
  await box.press('Enter');
}

/** The texts of the open chat's text messages, in the order shown. */
export function texts(page) {
  return page.locator('[data-testid=message] .text').allTextContents();
}

/** Waits until `expected` appear in the open chat as the newest text messages, in order. */
export async function waitForTexts(page, expected) {
  await page.waitForFunction(
    (want) => {
      const got = [...document.querySelectorAll('[data-testid=message] .text')].map((e) => e.textContent);
      return want.every((t) => got.includes(t)) && JSON.stringify(got.slice(-want.length)) === JSON.stringify(want);
    },
    expected,
    { timeout: STEP_MS },
  );
}

export async function screenshot(page, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: new URL(`${name}.png`, SCREENSHOTS).pathname });
}

/** A real PNG of w x h pixels (a colour gradient), small enough for a test upload. */
export function png(w, h) {
  const raw = Buffer.alloc((w * 3 + 1) * h);
  for (let y = 0; y < h; y++) {
    raw[y * (w * 3 + 1)] = 0;
    for (let x = 0; x < w; x++) {
      const o = y * (w * 3 + 1) + 1 + x * 3;
      raw[o] = (x * 255) / w;
      raw[o + 1] = (y * 255) / h;
      raw[o + 2] = 160;
    }
  }
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(td));
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function crc32(buf) {
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}
