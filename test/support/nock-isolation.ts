import { afterAll } from '@jest/globals';

/**
 * nock patches Node's http module for the whole process, and jest runs every file in one process
 * (--runInBand): a file that used nock would otherwise leave its interceptor, and its
 * disableNetConnect(), on every later file's requests. After each file, nock lets go.
 */
afterAll(async () => {
  const { default: nock } = await import('nock');
  nock.cleanAll();
  nock.enableNetConnect();
  nock.restore();
});
