export default async function globalTeardown(): Promise<void> {
  if (process.env.AIDP_TEST_NO_TEMPORAL === '1') return;
  const { stopTestServer } = await import('./support/test-server.js');
  await stopTestServer();
}
