/** Starts one real Temporal dev server for the whole jest run (see src/temporal/dev-server.ts). */
export default async function globalSetup(): Promise<void> {
  if (process.env.AIDP_TEST_NO_TEMPORAL === '1') return;
  const { startTestServer } = await import('./support/test-server.js');
  await startTestServer();
}
