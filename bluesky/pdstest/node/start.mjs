// start.mjs starts a local AT Protocol network for the tests of
// gears/bluesky, from @atproto/dev-env:
//
//   node start.mjs             a PLC directory and a PDS (TestNetworkNoAppView)
//   node start.mjs --appview   the same with the AppView (TestNetwork: the
//                              "bsky" AppView with its dataplane, and the
//                              Ozone moderation service it is wired to)
//
// The AppView needs PostgreSQL and (for dev-env) a Redis host, from the
// environment:
//
//   GEARS_PDSTEST_POSTGRES_URL     postgres://… of a server the network may use
//   GEARS_PDSTEST_POSTGRES_SCHEMA  a fresh name (a-z and _ only): the network
//                                  makes the schemas appview_NAME and ozone_NAME
//                                  and drops them on exit
//   GEARS_PDSTEST_REDIS_HOST       host:port of a Redis server
//
// Every server listens on 127.0.0.1 only. The network keeps its files in a
// temporary folder of its own, removed on exit. When it is ready, it prints
// one line to stdout:
//
//   {"gears_pdstest":1,"pds":"http://127.0.0.1:PORT","plc":"http://127.0.0.1:PORT","public_url":"http://localhost:PORT",
//    "appview":"http://127.0.0.1:PORT","appview_did":"did:plc:…","control":"http://127.0.0.1:PORT"}
//
// (the last three with --appview only). The control server answers
// POST /process-all once the AppView has indexed everything the PDS has
// written (dev-env's network.processAll()): 204, or 500 with the error.
//
// It stops when its stdin closes (the Go side closes it, or dies), or on
// SIGINT/SIGTERM. Nothing here reaches the Internet: without the AppView,
// the AppView and the moderation service point at the discard port of
// 127.0.0.1; with it, every service is one of the network's.
import dns from 'node:dns'
import fs from 'node:fs'
import http from 'node:http'
import { createRequire } from 'node:module'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'

const LOOPBACK = '127.0.0.1'
const withAppView = process.argv.includes('--appview')

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
process.noDeprecation = true // the libraries' warnings are not ours to fix

let network
let control
let dropSchemas = async () => {}
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
  }, 8000)
  timer.unref()
  try {
    control?.close()
    if (network) await network.close()
  } catch (err) {
    process.stderr.write(`pdstest: close: ${err?.stack ?? err}\n`)
  }
  await dropSchemas()
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

function env(name) {
  const v = process.env[name]
  if (!v) throw new Error(`${name} is not set`)
  return v
}

// startAppView starts TestNetwork on the PostgreSQL and Redis of the
// environment.
async function startAppView() {
  const dbPostgresUrl = env('GEARS_PDSTEST_POSTGRES_URL')
  const schema = env('GEARS_PDSTEST_POSTGRES_SCHEMA')
  if (!/^[a-z_]{1,40}$/.test(schema)) throw new Error(`invalid schema name ${schema}`)
  const redisHost = env('GEARS_PDSTEST_REDIS_HOST')
  process.env.REDIS_HOST = redisHost // dev-env reads it from there

  // pg is the driver of @atproto/bsky: resolved from there.
  const pg = createRequire(createRequire(import.meta.url).resolve('@atproto/bsky'))('pg')
  dropSchemas = async () => {
    const client = new pg.Client({ connectionString: dbPostgresUrl })
    try {
      await client.connect()
      for (const s of [`appview_${schema}`, `ozone_${schema}`]) {
        await client.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`)
      }
    } catch (err) {
      process.stderr.write(`pdstest: drop schemas: ${err?.message ?? err}\n`)
    } finally {
      await client.end().catch(() => {})
    }
  }

  const { TestNetwork } = await import('@atproto/dev-env')
  const net = await TestNetwork.create({
    dbPostgresUrl,
    dbPostgresSchema: schema,
    plc: {},
    // Rate limits on, counted in memory, so that the PDS sends the
    // RateLimit-* headers that the connector reports its quota from.
    pds: { hostname: 'localhost', rateLimitsEnabled: true },
    bsky: {},
    ozone: {},
  })
  network = net

  // The control server: POST /process-all.
  let queue = Promise.resolve()
  control = http.createServer((req, res) => {
    if (req.method !== 'POST' || req.url !== '/process-all') {
      res.writeHead(404).end()
      return
    }
    req.resume()
    // One processAll at a time: they share the subscription's cursor.
    queue = queue.then(() => net.processAll(20000)).then(
      () => res.writeHead(204).end(),
      (err) => res.writeHead(500, { 'content-type': 'text/plain' }).end(String(err?.stack ?? err)),
    )
  })
  await new Promise((resolve, reject) => {
    control.once('error', reject)
    control.listen({ port: 0, host: LOOPBACK }, resolve)
  })
  return {
    appview: `http://${LOOPBACK}:${net.bsky.port}`,
    appview_did: net.bsky.ctx.cfg.serverDid,
    control: `http://${LOOPBACK}:${control.address().port}`,
  }
}

try {
  let extra = {}
  if (withAppView) {
    extra = await startAppView()
  } else {
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
  }
  const ready = {
    gears_pdstest: 1,
    pds: `http://${LOOPBACK}:${network.pds.port}`,
    plc: `http://${LOOPBACK}:${network.plc.port}`,
    public_url: network.pds.url,
    ...extra,
  }
  process.stdout.write(JSON.stringify(ready) + '\n')
} catch (err) {
  process.stderr.write(`pdstest: start: ${err?.stack ?? err}\n`)
  await stop(1)
}
