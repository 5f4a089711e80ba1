import { BlockList, isIP } from 'node:net';

/**
 * Addresses that are not the public internet: the worker's own host, its LAN or container
 * network, cloud metadata services. The egress proxy never connects to them for a host name,
 * whatever the name resolves to.
 */
const NON_PUBLIC: ReadonlyArray<[string, number, 'ipv4' | 'ipv6']> = [
  ['0.0.0.0', 8, 'ipv4'], // "this" network
  ['10.0.0.0', 8, 'ipv4'], // private
  ['100.64.0.0', 10, 'ipv4'], // carrier-grade NAT
  ['127.0.0.0', 8, 'ipv4'], // loopback
  ['169.254.0.0', 16, 'ipv4'], // link-local, cloud metadata
  ['172.16.0.0', 12, 'ipv4'], // private (Docker's default networks)
  ['192.0.0.0', 24, 'ipv4'], // IETF protocol assignments
  ['192.168.0.0', 16, 'ipv4'], // private
  ['198.18.0.0', 15, 'ipv4'], // benchmarking
  ['224.0.0.0', 4, 'ipv4'], // multicast
  ['240.0.0.0', 4, 'ipv4'], // reserved, broadcast
  ['::', 128, 'ipv6'], // unspecified
  ['::1', 128, 'ipv6'], // loopback
  ['::', 96, 'ipv6'], // IPv4-compatible
  ['::ffff:0:0', 96, 'ipv6'], // IPv4-mapped: would reach any IPv4 address
  ['64:ff9b::', 96, 'ipv6'], // NAT64
  ['2001::', 32, 'ipv6'], // Teredo
  ['2002::', 16, 'ipv6'], // 6to4
  ['fc00::', 7, 'ipv6'], // unique local
  ['fe80::', 10, 'ipv6'], // link-local
  ['ff00::', 8, 'ipv6'], // multicast
];

// One list per family: a BlockList compares IPv4 addresses with its IPv6 rules too (as mapped
// addresses), so `::ffff:0:0/96` would cover all of IPv4.
const blocked = { ipv4: new BlockList(), ipv6: new BlockList() };
for (const [net, prefix, family] of NON_PUBLIC) blocked[family].addSubnet(net, prefix, family);

/** Whether `address` (an IP literal) is on the public internet; false for anything that is not an address. */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  const type = family === 4 ? 'ipv4' : 'ipv6';
  return !blocked[type].check(address, type);
}
