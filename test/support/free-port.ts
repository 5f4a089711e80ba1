export { freeMetricsPort, freePort } from '../../bench/free-port.js';
