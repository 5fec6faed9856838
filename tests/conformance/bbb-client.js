// bbb-client.js: two npm BBB API clients, bigbluebutton-js and
// bbb-promise, against bbbctl-sim's scalelite: create, join,
// getMeetingInfo, isMeetingRunning, getMeetings, getRecordings, end; the
// meeting is created on the least-loaded enabled online server and
// exists on that node's own BBB API.
//   SCALELITE_URL, SCALELITE_SECRET in the environment; NODE_PATH finds
//   the clients.
'use strict'

const crypto = require('crypto')
const http = require('http')

const base = process.env.SCALELITE_URL
const secret = process.env.SCALELITE_SECRET
let failed = 0

function ok(cond, desc, detail) {
  if (cond) {
    console.log(`ok - ${desc}`)
  } else {
    failed++
    console.log(`not ok - ${desc}`)
    if (detail !== undefined)
      for (const l of String(typeof detail === 'string' ? detail :
          JSON.stringify(detail)).split('\n'))
        console.log(`# ${l}`)
  }
  return cond
}

// GET a URL without following redirects; a *.localhost host is reached
// on 127.0.0.1 with its name in the Host header (nothing resolves it here).
function get(url) {
  const u = new URL(url)
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port: u.port, path: u.pathname + u.search,
      headers: { Host: u.host } }, (res) => {
      let body = ''
      res.on('data', (d) => { body += d })
      res.on('end', () => resolve({ status: res.statusCode,
        headers: res.headers, body }))
    }).on('error', reject)
  })
}

function tag(xml, name) {
  const m = xml.match(new RegExp(`<${name}>([^<]*)</${name}>`))
  return m ? m[1] : null
}

function sha256(s) {
  return crypto.createHash('sha256').update(s).digest('hex')
}

async function servers() {
  const r = await get(`${base}/scalelite/api/getServers?checksum=` +
      sha256('getServers' + secret))
  return JSON.parse(r.body)
}

// The least-loaded enabled online servers, as scalelite's server_load.
function leastLoaded(list) {
  const avail = list.filter((s) => s.state === 'enabled' &&
      s.online === 'online' && typeof s.load === 'number')
  const min = Math.min(...avail.map((s) => s.load))
  return avail.filter((s) => s.load === min).map((s) => s.id)
}

// getMeetingInfo on a node's own API, signed with its secret.
async function onNode(server, id) {
  const q = `meetingID=${encodeURIComponent(id)}`
  const r = await get(`${server.url}getMeetingInfo?${q}&checksum=` +
      sha256('getMeetingInfo' + q + server.secret))
  return tag(r.body, 'returncode')
}

async function withBigbluebuttonJs() {
  const bbb = require('bigbluebutton-js')
  const api = bbb.api(`${base}/bigbluebutton`, secret)
  const before = await servers()
  const want = leastLoaded(before)
  ok(want.length > 0, 'scalelite has an enabled online server', before)

  let r = await bbb.http(api.administration.create('Conformance A',
      'conf-a', { attendeePW: 'ap', moderatorPW: 'mp', record: false }))
  ok(r.returncode === 'SUCCESS', 'bigbluebutton-js: create', r)
  ok(r.meetingID === 'conf-a' && r.moderatorPW === 'mp',
      'bigbluebutton-js: create answers the meeting', r)

  const after = await servers()
  const grown = after.filter((s) => {
    const b = before.find((x) => x.id === s.id)
    return b && typeof b.load === 'number' && s.load === b.load + 1
  }).map((s) => s.id)
  ok(grown.length === 1 && want.includes(grown[0]),
      'create went to the least-loaded enabled online server',
      { want, grown })
  const node = after.find((s) => s.id === grown[0])
  ok(node && await onNode(node, 'conf-a') === 'SUCCESS',
      "the meeting exists on that node's BBB API")
  const other = after.find((s) => s.id !== grown[0] &&
      s.online === 'online')
  ok(!other || await onNode(other, 'conf-a') === 'FAILED',
      'and on no other node')

  r = await bbb.http(api.monitoring.getMeetingInfo('conf-a'))
  ok(r.returncode === 'SUCCESS' && r.meetingID === 'conf-a',
      'bigbluebutton-js: getMeetingInfo', r)
  r = await bbb.http(api.monitoring.isMeetingRunning('conf-a'))
  ok(r.returncode === 'SUCCESS' && String(r.running) === 'true',
      'bigbluebutton-js: isMeetingRunning', r)
  r = await bbb.http(api.monitoring.getMeetings())
  ok(r.returncode === 'SUCCESS' &&
      r.meetings.some((m) => m.meetingID === 'conf-a'),
      'bigbluebutton-js: getMeetings lists it')
  r = await bbb.http(api.recording.getRecordings({ meetingID: 'conf-a' }))
  ok(r.returncode === 'SUCCESS', 'bigbluebutton-js: getRecordings', r)

  // join: scalelite redirects to the node, which answers the join
  const url = api.administration.join('Probe', 'conf-a', 'mp',
      { redirect: 'false' })
  let j = await get(url)
  ok(j.status === 302 && j.headers.location &&
      j.headers.location.startsWith(node.url + 'join?'),
      "bigbluebutton-js: join redirects to the meeting's node",
      { status: j.status, location: j.headers.location })
  if (j.headers.location) {
    j = await get(j.headers.location)
    ok(tag(j.body, 'returncode') === 'SUCCESS' &&
        tag(j.body, 'messageKey') === 'successfullyJoined',
        'the node accepts the re-signed join', j.body)
  }
  j = await get(api.administration.join('Probe', 'conf-a', 'wrong',
      { redirect: 'false' }))
  if (j.headers.location) j = await get(j.headers.location)
  ok(tag(j.body, 'messageKey') === 'invalidPassword',
      'a wrong password is refused by the node', j.body)

  r = await bbb.http(api.administration.end('conf-a', 'mp'))
  ok(r.returncode === 'SUCCESS' && r.messageKey === 'sentEndMeetingRequest',
      'bigbluebutton-js: end', r)
  r = await bbb.http(api.monitoring.getMeetingInfo('conf-a'))
  ok(r.returncode === 'FAILED' && r.messageKey === 'notFound',
      'an ended meeting is not found', r)
  ok(await onNode(node, 'conf-a') === 'FAILED', 'nor on its node')
  r = await bbb.http(api.monitoring.getMeetingInfo('conf-a')
      .replace(/checksum=[0-9a-f]+/, 'checksum=' + '0'.repeat(40)))
  ok(r.messageKey === 'checksumError', 'a bad checksum is refused', r)
}

async function withBbbPromise() {
  const bbb = require('bbb-promise')
  const server = bbb.server(`${base}/bigbluebutton`, secret)
  const v = (x, k) => x.response[k] && x.response[k][0]

  let r = await server.administration.create('Conformance B', 'conf-b',
      { attendeePW: 'ap', moderatorPW: 'mp' })
  ok(v(r, 'returncode') === 'SUCCESS', 'bbb-promise: create', r)
  r = await server.administration.create('Conformance B', 'conf-b',
      { attendeePW: 'ap', moderatorPW: 'mp' })
  ok(v(r, 'messageKey') === 'duplicateWarning',
      'bbb-promise: the same create again is a duplicate', r)
  r = await server.monitoring.getMeetingInfo('conf-b')
  ok(v(r, 'returncode') === 'SUCCESS' && v(r, 'meetingID') === 'conf-b',
      'bbb-promise: getMeetingInfo', r)
  r = await server.monitoring.isMeetingRunning('conf-b')
  ok(v(r, 'running') === 'true', 'bbb-promise: isMeetingRunning', r)
  r = await server.monitoring.getMeetings()
  ok(v(r, 'returncode') === 'SUCCESS', 'bbb-promise: getMeetings', r)
  r = await server.recording.getRecordings({ meetingID: 'conf-b' })
  ok(v(r, 'returncode') === 'SUCCESS', 'bbb-promise: getRecordings', r)
  const url = server.administration.join('Viewer', 'conf-b', 'ap',
      { redirect: 'false' })
  let j = await get(url)
  ok(j.status === 302, 'bbb-promise: join redirects', j.status)
  if (j.headers.location) {
    j = await get(j.headers.location)
    ok(tag(j.body, 'messageKey') === 'successfullyJoined',
        'bbb-promise: the node accepts the join', j.body)
  }
  r = await server.administration.end('conf-b', 'mp')
  ok(v(r, 'messageKey') === 'sentEndMeetingRequest', 'bbb-promise: end', r)
  r = await server.monitoring.getMeetingInfo('conf-b')
  ok(v(r, 'messageKey') === 'notFound', 'bbb-promise: ended', r)
}

(async () => {
  try {
    await withBigbluebuttonJs()
    await withBbbPromise()
  } catch (e) {
    ok(false, 'no unexpected exception', e.stack)
  }
  process.exit(failed ? 1 : 0)
})()
