// SPDX-License-Identifier: GPL-2.0
// nfpost web's page in a real browser: Debian's Chromium, headless, driven
// over the DevTools protocol by puppeteer-core. `nfpost web --replay` plays
// the demo's recorded events; the page must show the stations, the spoof
// mark and the traceroute, and a screenshot is saved under build/.
//
//   node page.test.js NFPOST FIXTURE SCREENSHOT ROOT    (TAP on stdout)
'use strict';
const { spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const puppeteer = require('puppeteer-core');

const [nfpost, fixture, shot, root] = process.argv.slice(2);
let n = 0, failed = 0;

function tap(ok, what, why) {
	n++;
	if (!ok) {
		failed++;
		for (const line of String(why || '').split('\n'))
			console.log('# ' + line);
	}
	console.log((ok ? 'ok ' : 'not ok ') + n + ' - web page: ' + what);
}

// The server is ready once it printed its URL.
function serve() {
	return new Promise((resolve, reject) => {
		const p = spawn(nfpost, ['web', '--replay', fixture, '--speed', '0',
					 'listen', '127.0.0.1:0', 'root', root],
				{ stdio: ['ignore', 'pipe', 'pipe'] });
		let out = '', err = '';
		p.stdout.on('data', (d) => {
			out += d;
			const m = /serving (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
			if (m)
				resolve({ p, url: m[1], err: () => err });
		});
		p.stderr.on('data', (d) => { err += d; });
		p.on('exit', (rc) => reject(new Error('nfpost web exited ' + rc + ': ' + err)));
	});
}

// The fixture's own facts, so the test follows a re-recorded demo.
function expected() {
	const ev = fs.readFileSync(fixture, 'utf8').split('\n').filter(Boolean)
		.map((l) => JSON.parse(l));
	const stations = [...new Set(ev.filter((e) => e.event === 'new-station')
		.map((e) => e.addr))];
	const spoofed = [...new Set(ev.filter((e) => ['changed-lladdr', 'flip-flop',
		'spoof-dropped'].includes(e.event)).map((e) => e.addr))];
	const tr = ev.find((e) => e.event === 'traceroute');
	const hops = [...new Set(ev.filter((e) => e.event === 'time-exceeded' &&
		e.orig_saddr === tr.saddr && e.orig_daddr === tr.daddr).map((e) => e.saddr))];
	return { stations, spoofed, tr, hops, total: ev.length };
}

async function main() {
	const want = expected();
	const server = await serve();
	const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'nfpost-chromium.'));
	const browser = await puppeteer.launch({
		executablePath: '/usr/bin/chromium',
		headless: true,
		args: ['--headless', '--no-sandbox', '--disable-gpu',
		       '--disable-background-networking', '--disable-component-update',
		       '--disable-sync', '--no-first-run', '--user-data-dir=' + profile],
	});
	try {
		const page = await browser.newPage();
		const errors = [];
		page.on('pageerror', (e) => errors.push(e.message));
		page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
		// Nothing may be fetched from anywhere but nfpost web itself.
		const foreign = [];
		page.on('request', (r) => r.url().startsWith(server.url) || foreign.push(r.url()));
		await page.setViewport({ width: 1400, height: 1000 });
		await page.goto(server.url, { waitUntil: 'load' });
		await page.waitForFunction(() =>
			document.getElementById('status').dataset.state === 'ended',
			{ timeout: 60000 });

		const shown = await page.$$eval('.station', (s) => s.map((e) => e.dataset.addr));
		const missing = want.stations.filter((a) => !shown.includes(a));
		tap(want.stations.length >= 3 && !missing.length,
		    'every new station has its card (' + want.stations.join(', ') + ')',
		    'missing: ' + missing.join(', ') + '; shown: ' + shown.join(', '));

		const red = await page.$$eval('.station.spoofed', (s) => s.map((e) => e.dataset.addr));
		const marks = await page.$$eval('.station.spoofed .mark-spoof', (m) => m.map((e) => e.textContent));
		tap(want.spoofed.length > 0 && want.spoofed.every((a) => red.includes(a)) &&
		    marks.some((t) => t.startsWith('spoof dropped')),
		    'the spoofed address has its red mark, "spoof dropped" among them',
		    'spoofed ' + want.spoofed.join(', ') + '; red ' + red.join(', ') +
		    '; marks ' + marks.join(' | '));

		const path_ = await page.$$eval(
			'.trace[data-src="' + want.tr.saddr + '"][data-dst="' + want.tr.daddr + '"] .hop',
			(h) => h.map((e) => e.textContent));
		tap(want.hops.length >= 2 &&
		    JSON.stringify(path_.slice(1, 1 + want.hops.length)) === JSON.stringify(want.hops),
		    'the traceroute shows its path ' + [want.tr.saddr, ...want.hops].join(' → '),
		    'shown: ' + path_.join(' → '));

		const rtts = await page.$$eval('#pings .ping .rtt', (r) => r.map((e) => e.textContent));
		const alerts = await page.$$eval('#alerts .alert', (a) => a.map((e) => e.className));
		tap(rtts.some((t) => / ms$/.test(t)) &&
		    alerts.some((c) => c.includes('flood')) && alerts.some((c) => c.includes('sweep')),
		    'pings show their RTT; flood and sweep are alerts',
		    'rtts ' + rtts.join(', ') + '; alerts ' + alerts.join(', '));

		await page.screenshot({ path: shot, fullPage: true });

		// Filters hide rows of a kind; reset clears the view only.
		const rows = await page.$$eval('#timeline .row', (r) => r.length);
		await page.click('#filters input[name="ping"]');
		const pingsShown = await page.$$eval('#timeline .row.ping:not([hidden])', (r) => r.length);
		const othersShown = await page.$$eval('#timeline .row:not(.ping):not([hidden])', (r) => r.length);
		tap(rows > 0 && pingsShown === 0 && othersShown > 0,
		    'unticking "Pings" hides the ping rows of the timeline only',
		    rows + ' rows, ' + pingsShown + ' pings and ' + othersShown + ' others shown');
		await page.click('#reset');
		const left = await page.$$eval('.station, #pings li, .trace, #alerts li, #timeline li',
			(e) => e.map((x) => x.className + ' ' + x.textContent));
		tap(left.length === 0, 'the reset button clears the view', 'left: ' + left.join('\n'));

		tap(!errors.length && !foreign.length, 'no script error, nothing fetched elsewhere',
		    errors.concat(foreign).join('\n'));
	} finally {
		await browser.close();
		server.p.kill('SIGTERM');
		fs.rmSync(profile, { recursive: true, force: true });
	}
}

main().then(() => {
	console.log('1..' + n);
	process.exit(failed ? 1 : 0);
}, (e) => {
	tap(false, 'the page loads in Chromium and the replay ends', e.stack || e);
	console.log('1..' + n);
	process.exit(1);
});
