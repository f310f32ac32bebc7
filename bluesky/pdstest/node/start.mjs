// start.mjs starts a local AT Protocol network (a PLC directory and a PDS,
// @atproto/dev-env's TestNetworkNoAppView) for the tests of gears/bluesky.
//
//   node start.mjs
//
// Every server listens on 127.0.0.1 only. The network keeps its files in a
// temporary folder of its own, removed on exit. When it is ready, it prints
// one line to stdout:
//
//   {"gears_pdstest":1,"pds":"http://127.0.0.1:PORT","plc":"http://127.0.0.1:PORT","public_url":"http://localhost:PORT"}
//
// It stops when its stdin closes (the Go side closes it, or dies), or on
// SIGINT/SIGTERM. Nothing here reaches the Internet: the AppView and the
// moderation service point at the discard port of 127.0.0.1.
import dns from 'node:dns'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'

const LOOPBACK = '127.0.0.1'

// Force every listening socket onto the loopback interface, whatever the
// libraries ask for (dev-env and its servers listen on every interface).
const listen = net.Server.prototype.listen
net.Server.prototype.listen = function (...args) {
  const cbs = args.filter((a) => typeof a === 'function')
  const first = args[0]
  if (first === undefined || typeof first === 'function') {
    return listen.call(this, { port: 0, host: LOOPBACK }, ...cbs)
  }
  if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    return listen.call(this, { port: Number(first), host: LOOPBACK }, ...cbs)
  }
  if (first !== null && typeof first === 'object' && first.path === undefined && first.handle === undefined && first.fd === undefined && !('_handle' in first)) {
    return listen.call(this, { ...first, host: LOOPBACK }, ...cbs)
  }
  return listen.apply(this, args) // a Unix socket or an inherited handle
}

// "localhost" must mean the address the servers listen on.
dns.setDefaultResultOrder('ipv4first')

// A temporary folder of our own: dev-env puts its databases and blobs under
// os.tmpdir(), which reads TMPDIR.
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gears-pdstest-'))
process.env.TMPDIR = tmp
process.env.LOG_ENABLED = process.env.LOG_ENABLED ?? 'false'

let network
let stopping = false

function removeTmp() {
  try {
    fs.rmSync(tmp, { recursive: true, force: true })
  } catch {
    // best effort
  }
}

async function stop(code) {
  if (stopping) return
  stopping = true
  // Never hang: a server that does not close in time is abandoned.
  const timer = setTimeout(() => {
    removeTmp()
    process.exit(code)
  }, 5000)
  timer.unref()
  try {
    if (network) await network.close()
  } catch (err) {
    process.stderr.write(`pdstest: close: ${err?.stack ?? err}\n`)
  }
  removeTmp()
  process.exit(code)
}

process.on('SIGINT', () => stop(0))
process.on('SIGTERM', () => stop(0))
process.on('exit', removeTmp)
process.stdin.on('end', () => stop(0))
process.stdin.on('close', () => stop(0))
process.stdin.on('error', () => stop(0))
process.stdin.resume()

try {
  const { TestNetworkNoAppView } = await import('@atproto/dev-env')
  const nowhere = `http://${LOOPBACK}:9`
  network = await TestNetworkNoAppView.create({
    plc: {},
    pds: {
      hostname: 'localhost',
      bskyAppViewUrl: nowhere,
      bskyAppViewDid: 'did:web:localhost',
      modServiceUrl: nowhere,
      modServiceDid: 'did:web:localhost',
    },
  })
  const ready = {
    gears_pdstest: 1,
    pds: `http://${LOOPBACK}:${network.pds.port}`,
    plc: `http://${LOOPBACK}:${network.plc.port}`,
    public_url: network.pds.url,
  }
  process.stdout.write(JSON.stringify(ready) + '\n')
} catch (err) {
  process.stderr.write(`pdstest: start: ${err?.stack ?? err}\n`)
  await stop(1)
}
