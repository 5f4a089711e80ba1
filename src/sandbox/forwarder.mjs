// Runs inside a sandbox whose network namespace holds only loopback:
//   node forwarder.mjs <port> <proxy socket> -- <argv...>
// listens on 127.0.0.1:<port>, pipes every connection to the egress proxy's unix socket
// (bound into the sandbox), then runs <argv> with inherited stdio and exits as it exits.
// A plain script with no dependencies: it is bound read-only into the sandbox as it is.
import { spawn } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { constants } from 'node:os';

const [port, socketPath, separator, ...argv] = process.argv.slice(2);
if (!port || !socketPath || separator !== '--' || argv.length === 0) {
  process.stderr.write('usage: forwarder.mjs <port> <proxy socket> -- <command> [args...]\n');
  process.exit(2);
}

const server = createServer({ allowHalfOpen: true }, (client) => {
  const upstream = connect({ path: socketPath, allowHalfOpen: true });
  const drop = () => {
    client.destroy();
    upstream.destroy();
  };
  client.on('error', drop);
  upstream.on('error', drop);
  client.pipe(upstream);
  upstream.pipe(client);
});

server.on('error', (err) => {
  process.stderr.write(`aidp sandbox: the network forwarder cannot listen on 127.0.0.1:${port}: ${err.message}\n`);
  process.exit(126);
});

server.listen(Number(port), '127.0.0.1', () => {
  const command = argv[0];
  const child = spawn(command, argv.slice(1), { stdio: 'inherit' });
  const forwarded = ['SIGTERM', 'SIGINT', 'SIGHUP'];
  for (const signal of forwarded) process.on(signal, () => child.kill(signal));

  child.on('error', (err) => {
    process.stderr.write(`aidp sandbox: cannot run ${command}: ${err.message}\n`);
    process.exit(err.code === 'ENOENT' ? 127 : 126);
  });
  child.on('exit', (code, signal) => {
    if (signal === null) process.exit(code ?? 1);
    // Die of the same signal, so the caller sees how the command ended; a signal the
    // process ignores (as PID 1 of a namespace) falls back to the shell's 128 + n.
    for (const s of forwarded) process.removeAllListeners(s);
    process.kill(process.pid, signal);
    setTimeout(() => process.exit(128 + (constants.signals[signal] ?? 0)), 200);
  });
});
