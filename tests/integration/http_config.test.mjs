// Flags and --config FILE as the running server shows them.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { channelName, datas, poll, publishMany } from './lib/http.mjs';
import { runPushwire, startServer } from './lib/server.mjs';

describe('configuration', () => {
  let dir;
  before(() => { dir = mkdtempSync(path.join(tmpdir(), 'pushwire-config-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  function configFile(name, text) {
    const file = path.join(dir, name);
    writeFileSync(file, text);
    return file;
  }

  test('--config FILE sets what the file says', async (t) => {
    const server = await startServer(t, ['--config', configFile('history.toml', 'history = 2\n')]);
    const channel = channelName();
    await publishMany(server.base, channel, ['a', 'b', 'c']);
    assert.deepEqual(datas(await poll(server.base, channel, '0')), ['b', 'c']);
    await server.stop();
  });

  test('the command line wins over the file, wherever it stands', async (t) => {
    const file = configFile('both.toml', 'history = 2\n');
    const server = await startServer(t, ['--history', '4', '--config', file]);
    const channel = channelName();
    await publishMany(server.base, channel, ['a', 'b', 'c', 'd', 'e']);
    assert.deepEqual(datas(await poll(server.base, channel, '0')), ['b', 'c', 'd', 'e']);
    await server.stop();
  });

  test('listen in the file is overridden by --listen', async (t) => {
    const file = configFile('listen.toml', 'listen = "127.0.0.1:1"\n');
    const server = await startServer(t, ['--config', file]);
    assert.notEqual(server.port, 1);
    await server.stop();
  });

  test('--help lists every flag and exits 0', async () => {
    const { code, stdout } = await runPushwire(['--help']);
    assert.equal(code, 0);
    for (const flag of ['--listen', '--threads', '--allow-origin', '--publish-key', '--history', '--history-ttl',
      '--heartbeat', '--max-message-bytes', '--redis', '--static', '--config']) {
      assert.match(stdout, new RegExp(`${flag}\\b`), `--help should list ${flag}`);
    }
  });

  test('an unknown flag: an error on stderr and a non-zero exit', async () => {
    const { code, stdout, stderr } = await runPushwire(['--listen', '127.0.0.1:0', '--no-such-flag']);
    assert.notEqual(code, 0);
    assert.match(stderr, /--no-such-flag/);
    assert.doesNotMatch(stdout, /listening on/);
  });

  test('a bad value: an error on stderr and a non-zero exit', async () => {
    const { code, stderr } = await runPushwire(['--listen', '127.0.0.1:0', '--history', 'lots']);
    assert.notEqual(code, 0);
    assert.match(stderr, /--history/);
  });

  test('an invalid config file: its name and line on stderr and a non-zero exit', async () => {
    const file = configFile('bad.toml', 'history = 2\nhistory ==\n');
    const { code, stderr } = await runPushwire(['--listen', '127.0.0.1:0', '--config', file]);
    assert.notEqual(code, 0);
    assert.ok(stderr.includes(`${file}:2`), `stderr should name ${file}:2: ${stderr}`);
  });

  test('a config file with an unknown key is refused', async () => {
    const file = configFile('unknown.toml', 'histroy = 2\n');
    const { code, stderr } = await runPushwire(['--listen', '127.0.0.1:0', '--config', file]);
    assert.notEqual(code, 0);
    assert.match(stderr, /histroy/);
  });
});
