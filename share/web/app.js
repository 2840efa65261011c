// SPDX-License-Identifier: GPL-2.0
// nfpost web: draws the events of /events (the lines `nfpost monitor -j`
// prints, plus "snapshot" frames of the binding table) as stations per
// interface, pings, traceroutes, alerts and a timeline. Everything a station
// sends reaches the page as text (textContent), never as markup.
'use strict';

const TIMELINE_MAX = 400;	// rows kept in the timeline
const PINGS_MAX = 40;		// pairs kept in the pings panel
const ALERTS_MAX = 40;

// Event kinds by timeline filter. Anything else is "other".
const KINDS = {
	arp: ['new-station', 'gratuitous', 'unsolicited'],
	spoof: ['changed-lladdr', 'flip-flop', 'reused-lladdr', 'bogon',
		'ether-mismatch', 'bcast-sender', 'spoof-dropped'],
	ping: ['echo-request', 'echo-reply'],
	route: ['traceroute', 'time-exceeded', 'unreachable', 'redirect'],
	alert: ['flood', 'sweep'],
	notice: ['lost', 'module-unloaded', 'module-loaded'],
};
const FILTER_LABELS = {
	arp: 'ARP', spoof: 'Spoofs', ping: 'Pings', route: 'Routes',
	alert: 'Floods & sweeps', notice: 'Notices', other: 'Other',
};
// What makes a station's red mark, in words for the room.
const MARKS = {
	'changed-lladdr': 'changed MAC',
	'flip-flop': 'flip flop',
	'reused-lladdr': 'reused old MAC',
	'bogon': 'bogon',
	'ether-mismatch': 'Ethernet/ARP mismatch',
	'bcast-sender': 'broadcast sender',
	'spoof-dropped': 'spoof dropped',
};

const $ = (id) => document.getElementById(id);

function el(tag, cls, text) {
	const e = document.createElement(tag);
	if (cls)
		e.className = cls;
	if (text !== undefined)
		e.textContent = String(text);
	return e;
}

function kindOf(ev) {
	for (const [k, list] of Object.entries(KINDS))
		if (list.includes(ev))
			return k;
	return 'other';
}

function clock(t) {
	// "2026-11-27T08:01:31.123456Z" -> "08:01:31.123"
	const m = /T(\d\d:\d\d:\d\d)(\.\d{3})?/.exec(t || '');
	return m ? m[1] + (m[2] || '') : '';
}

function flash(node) {
	node.classList.remove('flash');
	void node.offsetWidth;	// restarts the animation
	node.classList.add('flash');
}

const state = {
	ifaces: new Map(),	// ifname -> { node, list, stations: Map addr -> st }
	pings: new Map(),	// "a>b" -> { node, ... }
	traces: new Map(),	// "src>dst" -> { node, hops: [] }
	alerts: new Map(),	// key -> { node, n }
	events: 0,
	bad: 0,
	filters: new Set(Object.keys(FILTER_LABELS)),
};

function iface(name, netns) {
	let f = state.ifaces.get(name);
	if (f)
		return f;
	const node = el('div', 'iface');
	node.dataset.ifname = name;
	const h = el('h3', null, name);
	if (netns)
		h.append(el('span', 'netns', ' in ' + netns));
	const list = el('div', 'stations');
	node.append(h, list);
	$('interfaces').append(node);
	$('no-stations').hidden = true;
	f = { node, list, stations: new Map() };
	state.ifaces.set(name, f);
	return f;
}

function stationNode(st) {
	const n = el('div', 'station');
	n.dataset.addr = st.addr;
	st.f = {
		addr: el('div', 'addr', st.addr),
		mac: el('div', 'mac'),
		seen: el('div', 'seen'),
		badge: el('span', 'badge'),
		marks: el('ul', 'marks'),
	};
	const top = el('div', 'top');
	top.append(st.f.addr, st.f.badge);
	n.append(top, st.f.mac, st.f.seen, st.f.marks);
	return n;
}

function drawStation(st) {
	st.f.mac.textContent = st.lladdr || '?';
	st.f.seen.textContent = 'first ' + (clock(st.first) || '?') +
		' · last ' + (clock(st.last) || '?');
	st.f.badge.textContent = st.static ? 'static' : 'learned';
	st.f.badge.className = 'badge ' + (st.static ? 'static' : 'learned');
	st.node.classList.toggle('spoofed', st.marks.length > 0);
}

function station(ifname, netns, addr) {
	const f = iface(ifname || '?', netns);
	let st = f.stations.get(addr);
	if (!st) {
		st = { addr, marks: [], static: false };
		st.node = stationNode(st);
		// Keep the cards in address order: easier to find on a projector.
		const after = [...f.stations.values()].find((o) => ipNum(o.addr) > ipNum(addr));
		f.list.insertBefore(st.node, after ? after.node : null);
		f.stations.set(addr, st);
	}
	return st;
}

function ipNum(a) {
	return (a || '').split('.').reduce((n, x) => n * 256 + (+x || 0), 0);
}

function findStation(addr) {
	for (const f of state.ifaces.values())
		if (f.stations.has(addr))
			return f.stations.get(addr);
	return null;
}

function mark(st, ev) {
	const m = el('li', 'mark mark-spoof ' + ev.event, MARKS[ev.event]);
	if (ev.event === 'spoof-dropped')
		m.textContent += ': ' + ev.lladdr + ' claimed it';
	else if (ev.prev_lladdr)
		m.textContent += ' (was ' + ev.prev_lladdr + ')';
	st.marks.push(ev.event);
	st.f.marks.append(m);
	while (st.f.marks.childElementCount > 4)
		st.f.marks.firstElementChild.remove();
}

function onArp(ev) {
	const st = station(ev.ifname, ev.netns_name, ev.addr);
	if (!st.first)
		st.first = ev.time;
	st.last = ev.time;
	if (ev.event === 'spoof-dropped') {
		// The bound address stays: the liar's is in the mark.
		st.static = true;
		st.lladdr = ev.prev_lladdr || st.lladdr;
	} else {
		st.lladdr = ev.lladdr;
	}
	if (MARKS[ev.event]) {
		mark(st, ev);
		addAlert(ev.event === 'spoof-dropped' ? 'spoof' : 'contradiction', ev,
			 ev.addr + ': ' + MARKS[ev.event] + ' (' + ev.lladdr + ')',
			 ev.event + ' ' + ev.addr + ' ' + ev.lladdr);
	}
	drawStation(st);
	flash(st.node);
}

function onSnapshot(snap) {
	for (const b of snap.bindings || []) {
		const st = station(b.ifname, null, b.addr);
		const changed = st.lladdr !== b.lladdr || st.static !== b.static;
		Object.assign(st, { lladdr: b.lladdr, first: b.first_seen,
				    last: b.last_seen, static: b.static });
		drawStation(st);
		if (changed)
			flash(st.node);
	}
}

function onPing(ev) {
	// A reply goes from the target back to the pinger.
	const req = ev.event === 'echo-request';
	const from = req ? ev.saddr : ev.daddr, to = req ? ev.daddr : ev.saddr;
	const key = from + '>' + to;
	let p = state.pings.get(key);
	if (!p) {
		p = { node: el('li', 'ping'), sent: 0, answered: 0 };
		p.node.dataset.from = from;
		p.node.dataset.to = to;
		p.from = el('span', 'addr', from);
		p.arrow = el('span', 'arrow', '⟶');
		p.to = el('span', 'addr', to);
		p.rtt = el('span', 'rtt none', 'no reply');
		p.count = el('span', 'count');
		p.node.append(p.from, p.arrow, p.to, p.rtt, p.count);
		state.pings.set(key, p);
		$('no-pings').hidden = true;
		if (state.pings.size > PINGS_MAX) {
			const [old] = state.pings.keys();
			state.pings.get(old).node.remove();
			state.pings.delete(old);
		}
	}
	$('pings').prepend(p.node);
	if (req) {
		p.sent++;
	} else {
		p.answered++;
		if (ev.rtt_us !== undefined) {
			p.rtt.textContent = (ev.rtt_us / 1000).toFixed(3) + ' ms';
			p.rtt.className = 'rtt';
		}
	}
	p.count.textContent = p.answered + '/' + p.sent;
	flash(p.node);
	for (const a of [from, to]) {
		const st = findStation(a);
		if (st)
			flash(st.node);
	}
}

function trace(src, dst) {
	const key = src + '>' + dst;
	let t = state.traces.get(key);
	if (t)
		return t;
	const node = el('div', 'trace');
	node.dataset.src = src;
	node.dataset.dst = dst;
	const title = el('div', 'trace-title', src + ' → ' + dst);
	const path = el('ol', 'path');
	path.append(el('li', 'hop origin', src));
	node.append(title, path);
	$('traces').prepend(node);
	$('no-traces').hidden = true;
	t = { node, title, path, hops: new Set(), probes: 0 };
	state.traces.set(key, t);
	return t;
}

function addHop(t, addr, cls) {
	if (t.hops.has(addr))
		return;
	t.hops.add(addr);
	const li = el('li', 'hop ' + cls, addr);
	li.dataset.hop = t.hops.size;
	t.path.append(li);
	flash(li);
}

function onRoute(ev) {
	if (ev.event === 'traceroute') {
		const t = trace(ev.saddr, ev.daddr);
		t.probes = ev.count;
		t.node.classList.add('confirmed');
		t.title.textContent = ev.saddr + ' → ' + ev.daddr + ' (' +
			ev.count + ' probes, TTL up to ' + ev.ttl + ')';
		flash(t.node);
	} else if (ev.event === 'time-exceeded' && ev.orig_saddr) {
		addHop(trace(ev.orig_saddr, ev.orig_daddr), ev.saddr, 'router');
	} else if (ev.event === 'unreachable' && ev.orig_saddr &&
		   state.traces.has(ev.orig_saddr + '>' + ev.orig_daddr)) {
		// The target's "port unreachable" ends a UDP traceroute.
		const t = trace(ev.orig_saddr, ev.orig_daddr);
		addHop(t, ev.saddr, ev.saddr === ev.orig_daddr ? 'target' : 'router');
	}
}

// One line per alert and source: a flood reported every second updates its
// line (rate, time, how many reports) instead of pushing the others away.
function addAlert(kind, ev, text, key) {
	let a = key && state.alerts.get(key);
	if (!a) {
		a = { node: el('li', 'alert ' + kind), n: 0 };
		a.time = el('span', 'time');
		a.what = el('span', 'what');
		a.times = el('span', 'times');
		a.node.append(a.time, a.what, a.times);
		if (key)
			state.alerts.set(key, a);
		$('no-alerts').hidden = true;
	}
	a.n++;
	a.time.textContent = clock(ev.time);
	a.what.textContent = text;
	a.times.textContent = a.n > 1 ? '×' + a.n : '';
	$('alerts').prepend(a.node);
	flash(a.node);
	while ($('alerts').childElementCount > ALERTS_MAX) {
		const last = $('alerts').lastElementChild;
		for (const [k, v] of state.alerts)
			if (v.node === last)
				state.alerts.delete(k);
		last.remove();
	}
}

function onAlert(ev) {
	if (ev.event === 'flood')
		addAlert('flood', ev, 'flood: ' + ev.saddr +
			 (ev.daddr ? ' → ' + ev.daddr : '') + ' at ' + ev.rate +
			 ' packets/s', 'flood ' + ev.saddr + '>' + ev.daddr);
	else
		addAlert('sweep', ev, 'ping sweep: ' + ev.saddr + ' pinged ' +
			 ev.count + ' hosts', 'sweep ' + ev.saddr);
}

function summary(ev) {
	const parts = [];
	if (ev.saddr !== undefined)
		parts.push(ev.saddr + (ev.daddr !== undefined ? ' → ' + ev.daddr : ''));
	for (const k of ['addr', 'lladdr', 'prev_lladdr', 'gateway', 'rate', 'count'])
		if (ev[k] !== undefined)
			parts.push(k === 'addr' ? ev[k] : k.replace('_', ' ') + ' ' + ev[k]);
	if (ev.orig_daddr !== undefined)
		parts.push('(for ' + ev.orig_saddr + ' → ' + ev.orig_daddr + ')');
	if (ev.rtt_us !== undefined)
		parts.push('rtt ' + (ev.rtt_us / 1000).toFixed(3) + ' ms');
	if (ev.ifname)
		parts.push('on ' + ev.ifname);
	return parts.join(' ');
}

function timeline(ev) {
	const kind = kindOf(ev.event);
	const li = el('li', 'row ' + kind);
	li.dataset.kind = kind;
	li.hidden = !state.filters.has(kind);
	li.append(el('span', 'time', clock(ev.time)), el('span', 'ev', ev.event),
		  el('span', 'what', summary(ev)));
	$('timeline').prepend(li);
	while ($('timeline').childElementCount > TIMELINE_MAX)
		$('timeline').lastElementChild.remove();
}

function onEvent(ev) {
	state.events++;
	timeline(ev);
	switch (kindOf(ev.event)) {
	case 'arp':
	case 'spoof':
		if (ev.addr)
			onArp(ev);
		break;
	case 'ping':
		onPing(ev);
		break;
	case 'route':
		onRoute(ev);
		break;
	case 'alert':
		onAlert(ev);
		break;
	case 'notice':
		addAlert('notice', ev, {
			'lost': 'events were lost: the server could not keep up',
			'module-unloaded': 'nfpost_watch was unloaded: no events until it is back',
			'module-loaded': 'nfpost_watch is loaded again',
		}[ev.event]);
		break;
	}
	counts();
}

function counts() {
	let n = 0;
	for (const f of state.ifaces.values())
		n += f.stations.size;
	$('counts').textContent = n + ' stations · ' + state.events + ' events' +
		(state.bad ? ' · ' + state.bad + ' unreadable' : '');
}

function status(st, text) {
	$('status').dataset.state = st;
	$('status').textContent = text;
}

function parse(data) {
	try {
		return JSON.parse(data);
	} catch (e) {
		state.bad++;
		counts();
		return null;
	}
}

function filters() {
	const form = $('filters');
	for (const [k, label] of Object.entries(FILTER_LABELS)) {
		const l = el('label', 'filter f-' + k);
		const box = el('input');
		box.type = 'checkbox';
		box.checked = true;
		box.name = k;
		box.addEventListener('change', () => {
			if (box.checked)
				state.filters.add(k);
			else
				state.filters.delete(k);
			for (const row of $('timeline').children)
				row.hidden = !state.filters.has(row.dataset.kind);
		});
		l.append(box, document.createTextNode(' ' + label));
		form.append(l);
	}
}

function reset() {
	for (const id of ['interfaces', 'pings', 'traces', 'alerts', 'timeline'])
		$(id).replaceChildren();
	for (const id of ['no-stations', 'no-pings', 'no-traces', 'no-alerts'])
		$(id).hidden = false;
	state.ifaces.clear();
	state.pings.clear();
	state.traces.clear();
	state.alerts.clear();
	state.events = state.bad = 0;
	counts();
}

function connect() {
	const es = new EventSource('/events');
	let mode = '';
	es.addEventListener('hello', (m) => {
		// A reconnect replays the server's backlog: start from a clean view.
		reset();
		const h = parse(m.data);
		mode = h ? h.mode : '';
		status('open', mode === 'replay' ? 'replaying' : 'live');
	});
	es.addEventListener('snapshot', (m) => {
		const s = parse(m.data);
		if (s)
			onSnapshot(s);
		counts();
	});
	es.addEventListener('end', (m) => {
		const e = parse(m.data);
		status('ended', 'replay finished' + (e ? ': ' + e.events + ' events' +
			(e.skipped ? ', ' + e.skipped + ' lines skipped' : '') : ''));
	});
	es.onmessage = (m) => {
		const ev = parse(m.data);
		if (ev && typeof ev.event === 'string')
			onEvent(ev);
	};
	es.onerror = () => {
		if (es.readyState !== EventSource.OPEN)
			status('closed', 'disconnected: retrying…');
	};
}

filters();
$('reset').addEventListener('click', reset);
counts();
connect();
