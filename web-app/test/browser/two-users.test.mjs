// Two users in two browser contexts (separate storage, as two machines), against the running
// system (./im up; IM_BASE_URL). The steps build on each other and run in order.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import {
  BASE_URL,
  connected,
  conversation,
  launch,
  logIn,
  newUser,
  openApp,
  openChat,
  png,
  register,
  screenshot,
  sendText,
  texts,
  waitForTexts,
} from './support.mjs';

describe('the web app with two users', () => {
  const alice = newUser('alice');
  const bob = newUser('bob');
  let browser;
  let aliceContext;
  let bobContext;
  /** @type {import('playwright-core').Page} */ let a;
  /** @type {import('playwright-core').Page} */ let b;
  const pages = [];

  before(async () => {
    browser = await launch();
    aliceContext = await browser.newContext({ viewport: { width: 1200, height: 760 } });
    bobContext = await browser.newContext({ viewport: { width: 1200, height: 760 } });
  });

  // What helps to read a failing step: refused API calls and the app's notices so far.
  afterEach(async () => {
    for (const [i, page] of pages.entries()) {
      const notices = page.isClosed() ? [] : await page.locator('.notice').allTextContents();
      if (page.apiErrors.length || notices.length) console.log(`page ${i}: refused ${JSON.stringify(page.apiErrors)} notices ${JSON.stringify(notices)}`);
      page.apiErrors = [];
    }
  });

  after(async () => {
    for (const page of pages) assert.deepEqual(page.problems, [], 'no CSP violation or page error');
    await browser?.close();
  });

  it('is served by the gateway at / with a strict Content-Security-Policy', async () => {
    const response = await fetch(`${BASE_URL}/`);
    assert.equal(response.status, 200);
    const policy = response.headers.get('content-security-policy') ?? '';
    assert.match(policy, /default-src 'self'/);
    assert.match(policy, /script-src 'self'/);
    assert.doesNotMatch(policy, /unsafe-inline|unsafe-eval/);
  });

  it('registers both users and makes them friends', async () => {
    a = await openApp(aliceContext);
    b = await openApp(bobContext);
    pages.push(a, b);
    await screenshot(a, 'login');
    await register(a, alice);
    await register(b, bob);

    await a.getByRole('button', { name: 'Contacts' }).click();
    await a.getByLabel('Find people').fill(bob.username);
    await a.getByRole('button', { name: 'Search' }).click();
    await a.getByRole('button', { name: `Add ${bob.username} as a friend` }).click();
    await a.getByRole('list', { name: 'Outgoing friend requests' }).getByText(bob.displayName).waitFor();

    await b.getByRole('button', { name: 'Contacts' }).click();
    await b.getByRole('button', { name: `Accept ${alice.displayName}` }).click();
    await b.getByRole('list', { name: 'Friends' }).getByText(alice.displayName).waitFor();
    await a.getByRole('list', { name: 'Friends' }).getByText(bob.displayName).waitFor();
    await screenshot(a, 'contacts');

    await conversation(a, bob.displayName).waitFor();
    await conversation(b, alice.displayName).waitFor();
  });

  it('chats both ways, with typing, presence and delivered/read ticks', async () => {
    await openChat(a, bob.displayName);
    await a.getByRole('region', { name: `Chat with ${bob.displayName}` }).getByRole('img', { name: 'online' }).waitFor();
    await a.getByLabel('Message', { exact: true }).pressSequentially('hi');
    await openChat(b, alice.displayName);
    await b.getByTestId('typing').getByText(`${alice.displayName} is typing…`).waitFor();
    await a.getByLabel('Message', { exact: true }).press('Enter');
    await waitForTexts(b, ['hi']);
    await sendText(b, 'hello Alice 👋');
    await waitForTexts(a, ['hi', 'hello Alice 👋']);
    // Bob has the chat open: Alice's message shows as read.
    await a.locator('[data-testid=message][data-state=read]').first().waitFor();
    await a.getByRole('button', { name: 'Emoji', exact: true }).click();
    await a.getByRole('button', { name: 'Insert 🎉' }).click();
    await a.getByLabel('Message', { exact: true }).press('Enter');
    await b.locator('.emoji-big', { hasText: '🎉' }).waitFor();
  });

  it('sends an image (thumbnail) and a file', async () => {
    await a.getByLabel('Send an image').setInputFiles({ name: 'gradient.png', mimeType: 'image/png', buffer: png(400, 300) });
    await b.getByTestId('image').waitFor();
    assert.ok(await b.getByTestId('image').evaluate((img) => img.complete && img.naturalWidth > 0), 'the thumbnail decodes');
    await a.getByTestId('image').waitFor();
    await a.getByLabel('Send a file').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('meeting at noon\n') });
    await b.getByRole('button', { name: 'Download notes.txt' }).waitFor();
    const download = b.waitForEvent('download');
    await b.getByRole('button', { name: 'Download notes.txt' }).click();
    const file = await download;
    assert.equal(file.suggestedFilename(), 'notes.txt');
    await screenshot(a, 'chat');
  });

  it('sends a voice note (MediaRecorder on the fake microphone) and a location', async () => {
    await a.getByRole('button', { name: 'Record a voice note' }).click();
    await a.getByRole('status').filter({ hasText: 'Recording… 1 s' }).waitFor();
    await a.getByRole('button', { name: 'Stop and send the voice note' }).click();
    await b.getByTestId('voice').waitFor();
    assert.match(await b.locator('.voice').last().textContent(), /🎤 [1-9]\d* s/);
    await a.getByRole('button', { name: 'Share a location' }).click();
    await a.getByLabel('Latitude').fill('48.8584');
    await a.getByLabel('Longitude').fill('2.2945');
    await a.getByLabel('Label').fill('Eiffel Tower');
    await a.getByRole('button', { name: 'Send location' }).click();
    await b.getByRole('link', { name: /Eiffel Tower \(48\.8584, 2\.2945\)/ }).waitFor();
  });

  it('shows what was sent while one side was offline, once and in order', async () => {
    await bobContext.setOffline(true);
    await b.locator('[data-testid=connection][data-state=waiting]').waitFor();
    const sent = ['while you were away 1', 'while you were away 2', 'while you were away 3'];
    for (const text of sent) await sendText(a, text);
    await a.locator('[data-testid=message][data-state=sending]').first().waitFor({ state: 'detached' });
    await screenshot(b, 'offline');
    await bobContext.setOffline(false);
    await connected(b);
    await waitForTexts(b, sent);
    const shown = await texts(b);
    for (const text of sent) assert.equal(shown.filter((t) => t === text).length, 1, `"${text}" shown once`);
    assert.deepEqual(shown.slice(-3), sent);
    // And a reply from the side that was away arrives too.
    await sendText(b, 'back again');
    await waitForTexts(a, [...sent, 'back again']);
  });

  it('clears the unread badge on a second tab of the same user', async () => {
    const b2 = await openApp(bobContext);
    pages.push(b2);
    await logIn(b2, bob);
    await b.getByRole('button', { name: 'Contacts' }).click(); // no chat on Bob's first tab
    await sendText(a, 'for the badge');
    const badge = conversation(b2, alice.displayName).getByTestId('unread');
    await badge.waitFor();
    assert.equal(await badge.textContent(), '1');
    await conversation(b, alice.displayName).getByTestId('unread').waitFor();
    await screenshot(b2, 'conversations');
    await openChat(b, alice.displayName); // read on the first tab
    await badge.waitFor({ state: 'detached' });
    await b2.close();
  });

  it('runs a small group chat: create, talk, rename', async () => {
    await a.getByRole('button', { name: 'New group' }).click();
    await a.getByLabel('Group name').fill('Trip');
    await a.getByRole('checkbox', { name: bob.displayName }).check();
    await a.getByRole('button', { name: 'Create group' }).click();
    await a.getByRole('region', { name: 'Chat with Trip' }).waitFor();
    await conversation(b, 'Trip').waitFor();
    await sendText(a, 'group hello');
    await openChat(b, 'Trip');
    await waitForTexts(b, ['group hello']);
    await sendText(b, 'group reply');
    await waitForTexts(a, ['group hello', 'group reply']);
    await a.getByRole('button', { name: 'Group info' }).click();
    await a.getByRole('list', { name: 'Members' }).getByTestId('member').nth(1).waitFor();
    assert.equal(await a.getByRole('list', { name: 'Members' }).getByTestId('member').count(), 2);
    await a.getByRole('complementary', { name: 'Group info' }).getByLabel('Group name').fill('Trip 2027');
    await a.getByRole('button', { name: 'Rename' }).click();
    await conversation(b, 'Trip 2027').waitFor();
    await b.getByText(`${alice.displayName} renamed the group to “Trip 2027”`).waitFor();
    await screenshot(a, 'group');
  });

  it('recalls a message on both sides', async () => {
    await openChat(a, bob.displayName);
    await openChat(b, alice.displayName);
    await sendText(a, 'oops, wrong chat');
    await waitForTexts(b, ['oops, wrong chat']);
    const mine = a.locator('[data-testid=message]', { hasText: 'oops, wrong chat' });
    await mine.getByRole('button', { name: 'Recall this message' }).click();
    await b.locator('[data-testid=message]', { hasText: 'Message recalled' }).waitFor();
    await a.locator('[data-testid=message]', { hasText: 'Message recalled' }).waitFor();
    assert.equal(await b.getByText('oops, wrong chat').count(), 0);
  });

  it('scrolls back through a long conversation with at most 240 rows in the page', async () => {
    await openChat(a, bob.displayName);
    await b.getByRole('button', { name: 'Contacts' }).click();
    const count = 260;
    const bulk = Array.from({ length: count }, (_, i) => `bulk ${String(i + 1).padStart(3, '0')}`);
    const box = a.getByLabel('Message', { exact: true });
    for (const text of bulk) {
      await box.fill(text);
      await box.press('Enter');
    }
    await conversation(b, alice.displayName).getByText(bulk.at(-1)).waitFor({ timeout: 60_000 });
    await openChat(b, alice.displayName);
    await waitForTexts(b, bulk.slice(-5));
    const rendered = () => b.locator('[data-testid=message]').count();
    assert.ok((await rendered()) <= 240, `${await rendered()} rows rendered`);
    // Scroll to the top until the first message of the conversation shows.
    await b.waitForFunction(
      () => {
        const list = document.querySelector('.messages');
        list.scrollTop = 0;
        return [...list.querySelectorAll('.text')].some((e) => e.textContent === 'hi');
      },
      null,
      { polling: 100, timeout: 60_000 },
    );
    assert.ok((await rendered()) <= 240, `${await rendered()} rows rendered at the top`);
    assert.equal(await b.locator('.messages').getByText('bulk 260', { exact: true }).count(), 0, 'the newest rows left the page');
    await b.waitForFunction(
      () => {
        const list = document.querySelector('.messages');
        list.scrollTop = list.scrollHeight;
        return [...list.querySelectorAll('.text')].some((e) => e.textContent === 'bulk 260');
      },
      null,
      { polling: 100, timeout: 60_000 },
    );
    // Back at the bottom: the newest rows, each once and in order.
    const shownBulk = (await texts(b)).filter((t) => t.startsWith('bulk'));
    assert.ok(shownBulk.length > 100, `${shownBulk.length} bulk rows at the bottom`);
    assert.deepEqual(shownBulk, bulk.slice(-shownBulk.length));
  });

  it('places a WebRTC call that connects on both sides', async () => {
    await a.getByRole('button', { name: `Call ${bob.displayName}` }).click();
    await b.getByRole('dialog', { name: `Call with ${alice.displayName}` }).getByText('Incoming call').waitFor();
    await b.getByRole('button', { name: 'Accept call' }).click();
    await a.locator('[data-testid=call-state][data-state=connected]').waitFor();
    await b.locator('[data-testid=call-state][data-state=connected]').waitFor();
    await a.waitForFunction(() => {
      const v = document.querySelector('video[aria-label="Their video"]');
      return v instanceof HTMLVideoElement && v.videoWidth > 0;
    });
    await screenshot(a, 'call');
    await a.getByRole('button', { name: 'Hang up' }).click();
    await b.locator('[data-testid=call-state][data-state=ended]').waitFor();
  });
});
