// The DeepMotion viewer page: plays a progressive stream as it arrives (level 1 first, each
// refinement cross-fading in over 0.25 s), in 3D, with an orbit camera. The local client
// (deepmotion-client view) bridges to the gRPC server and reads recordings and BVH files, so
// this page only speaks HTTP: POST /api/generate and /api/open answer with NDJSON lines.
import * as THREE from 'three';
import { OrbitControls } from 'three/addons/controls/OrbitControls.js';
import { GLTFLoader } from 'three/addons/loaders/GLTFLoader.js';

const FADE_S = 0.25;
const HISTORY_FRAMES = 64;  // 3.2 s at 20 fps: what the server uses of a history
const $ = (id) => document.getElementById(id);

// ---- scene ---------------------------------------------------------------------------------
const renderer = new THREE.WebGLRenderer({ antialias: true, preserveDrawingBuffer: true });
renderer.setPixelRatio(window.devicePixelRatio);
renderer.shadowMap.enabled = true;
$('stage').appendChild(renderer.domElement);
const scene = new THREE.Scene();
scene.background = new THREE.Color(0x20242b);
const camera = new THREE.PerspectiveCamera(45, 1, 0.05, 200);
camera.position.set(2.8, 1.9, 4.2);
const controls = new OrbitControls(camera, renderer.domElement);
controls.target.set(0, 0.9, 0);
scene.add(new THREE.HemisphereLight(0xffffff, 0x444455, 1.2));
const sun = new THREE.DirectionalLight(0xffffff, 2.0);
sun.position.set(3, 6, 2);
sun.castShadow = true;
sun.shadow.mapSize.set(2048, 2048);
Object.assign(sun.shadow.camera, { left: -6, right: 6, top: 6, bottom: -6, near: 0.5, far: 30 });
scene.add(sun, sun.target);
const ground = new THREE.Mesh(new THREE.PlaneGeometry(60, 60), new THREE.MeshStandardMaterial({ color: 0x2e333b }));
ground.rotation.x = -Math.PI / 2;
ground.receiveShadow = true;
scene.add(ground);
const grid = new THREE.GridHelper(60, 60, 0x7a8494, 0x4c5563);
grid.position.y = 0.001;
scene.add(grid);

function resize() {
  const w = window.innerWidth, h = window.innerHeight;
  renderer.setSize(w, h);
  camera.aspect = w / h;
  camera.updateProjectionMatrix();
}
window.addEventListener('resize', resize);
resize();

// ---- the motion ------------------------------------------------------------------------------
// Frames are kept per frame at their highest level; a refinement that lands keeps the pose it
// replaces and fades from it (like the Unity package's ProgressiveFrameBuffer).
const state = {
  skeleton: null, fps: 20, frames: 0, root: null, rot: null, level: null, fadeFrom: null, fadeAt: null,
  available: 0, playhead: 0, clock: 0, playing: false, levelsArrived: [], maxLevel: 0, source: '',
  drawnFrames: 0, streaming: false, character: null, onRig: null,
  minHistory: 8,  // the fewest frames a history may have (ModelInfo limits.min_history_frames)
};
window.viewerState = state;  // read by the tests and handy in the console
// The figure's joints in normalised device coordinates (the test checks pixels where they land).
window.viewerFigurePoints = () => (figure ? figure.spheres.map((m) => {
  const v = m.getWorldPosition(new THREE.Vector3()).project(camera);
  return [v.x, v.y];
}) : []);

let figure = null;
function buildFigure(sk) {
  if (figure) scene.remove(figure.group);
  const group = new THREE.Group();
  const joint = new THREE.MeshStandardMaterial({ color: 0xf0c060, roughness: 0.5 });
  const bone = new THREE.MeshStandardMaterial({ color: 0x7fb2ff, roughness: 0.6 });
  const spheres = sk.names.map((n) => {
    const m = new THREE.Mesh(new THREE.SphereGeometry(n === 'Head' ? 0.09 : 0.035, 16, 12), joint);
    m.castShadow = true;
    group.add(m);
    return m;
  });
  const bones = sk.parents.map((p) => {
    if (p < 0) return null;
    const m = new THREE.Mesh(new THREE.CylinderGeometry(0.025, 0.025, 1, 10), bone);
    m.castShadow = true;
    group.add(m);
    return m;
  });
  scene.add(group);
  figure = { group, spheres, bones };
  group.visible = !state.onRig;
}

function quat(arr, o) { return new THREE.Quaternion(arr[o], arr[o + 1], arr[o + 2], arr[o + 3]); }

function poseAt(f, out) {
  // The stored pose of frame f, its fade applied; out = {root: Vector3, rot: [Quaternion]}.
  const J = state.skeleton.names.length;
  const w = state.fadeAt[f] < 0 ? 1 : Math.min(1, (state.clock - state.fadeAt[f]) / FADE_S);
  out.root.set(state.root[3 * f], state.root[3 * f + 1], state.root[3 * f + 2]);
  for (let j = 0; j < J; j++) {
    out.rot[j].copy(quat(state.rot, 4 * (f * J + j)));
    if (w < 1) out.rot[j].copy(quat(state.fadeFrom[f], 4 * j).slerp(out.rot[j], w));
  }
  if (w < 1) out.root.lerp(new THREE.Vector3(...state.fadeFrom[f].slice(4 * J, 4 * J + 3)), 1 - w);
  return out;
}

function samplePose() {
  const J = state.skeleton.names.length;
  const a = { root: new THREE.Vector3(), rot: Array.from({ length: J }, () => new THREE.Quaternion()) };
  const b = { root: new THREE.Vector3(), rot: Array.from({ length: J }, () => new THREE.Quaternion()) };
  const f0 = Math.min(Math.floor(state.playhead), state.available - 1);
  const f1 = Math.min(f0 + 1, state.available - 1);
  const t = Math.min(1, Math.max(0, state.playhead - f0));
  poseAt(f0, a);
  if (f1 !== f0 && t > 0) {
    poseAt(f1, b);
    a.root.lerp(b.root, t);
    for (let j = 0; j < J; j++) a.rot[j].slerp(b.rot[j], t);
  }
  return { pose: a, frame: f0 };
}

function forwardKinematics(pose) {
  const sk = state.skeleton, J = sk.names.length;
  const pos = new Array(J), wrot = new Array(J);
  for (let j = 0; j < J; j++) {
    const p = sk.parents[j];
    if (p < 0) {
      wrot[j] = pose.rot[j].clone();
      pos[j] = pose.root.clone();
      if (!$('root-motion').checked) pos[j].set(0, pos[j].y, 0);
    } else {
      wrot[j] = wrot[p].clone().multiply(pose.rot[j]);
      const off = new THREE.Vector3(sk.offsets[3 * j], sk.offsets[3 * j + 1], sk.offsets[3 * j + 2]);
      pos[j] = pos[p].clone().add(off.applyQuaternion(wrot[p]));
    }
  }
  return pos;
}

const up = new THREE.Vector3(0, 1, 0);
function drawFigure(pos) {
  const sk = state.skeleton;
  for (let j = 0; j < pos.length; j++) {
    figure.spheres[j].position.copy(pos[j]);
    const p = sk.parents[j];
    if (p < 0) continue;
    const seg = pos[j].clone().sub(pos[p]);
    const m = figure.bones[j];
    m.position.copy(pos[p]).addScaledVector(seg, 0.5);
    m.scale.set(1, Math.max(seg.length(), 1e-4), 1);
    m.quaternion.setFromUnitVectors(up, seg.normalize());
  }
  if ($('root-motion').checked) controls.target.lerp(new THREE.Vector3(pos[0].x, 0.9, pos[0].z), 0.05);
}

function badge() {
  const el = $('badge');
  if (!state.available) { el.textContent = state.streaming ? 'waiting for level 1' : 'no motion'; el.className = ''; return; }
  const f = Math.min(Math.floor(state.playhead), state.available - 1);
  const lv = state.level[f];
  state.levelOnScreen = lv;
  el.textContent = `level ${lv}${state.maxLevel ? ' of ' + state.maxLevel : ''} · ${(f / state.fps).toFixed(1)} s`;
  el.className = `l${Math.min(lv, 3)}`;
}

// ---- streams -------------------------------------------------------------------------------
function begin(header, keepFrames = 0) {
  // A new stream; with keepFrames, the frames before it stay (continue-from-here) and the new
  // ones follow them.
  const J = header.skeleton.names.length;
  const n = keepFrames + header.frame_count;
  const old = state.root && keepFrames ? { root: state.root, rot: state.rot, level: state.level } : null;
  state.skeleton = header.skeleton;
  state.fps = header.fps || 20;
  state.frames = n;
  state.root = new Float32Array(3 * n);
  state.rot = new Float32Array(4 * J * n);
  state.level = new Int8Array(n);
  state.fadeFrom = new Array(n);
  state.fadeAt = new Float32Array(n).fill(-1);
  if (old) {
    state.root.set(old.root.subarray(0, 3 * keepFrames));
    state.rot.set(old.rot.subarray(0, 4 * J * keepFrames));
    state.level.set(old.level.subarray(0, keepFrames));
    state.available = keepFrames;
  } else {
    state.available = 0;
    state.playhead = 0;
  }
  state.offset = keepFrames;
  state.levelsArrived = [];
  state.maxLevel = Math.max(...header.levels);
  state.source = header.model;
  state.onRig = null;
  if (!figure || figure.spheres.length !== J) buildFigure(header.skeleton);
}

function addChunk(c) {
  const J = state.skeleton.names.length;
  for (let i = 0; i < c.count; i++) {
    const f = state.offset + c.start + i;
    if (state.level[f] > c.level) continue;
    if (state.level[f] > 0) {  // a refinement: fade from what this frame shows now
      const pose = poseAt(f, { root: new THREE.Vector3(), rot: Array.from({ length: J }, () => new THREE.Quaternion()) });
      const from = new Float32Array(4 * J + 3);
      pose.rot.forEach((q, j) => from.set([q.x, q.y, q.z, q.w], 4 * j));
      from.set([pose.root.x, pose.root.y, pose.root.z], 4 * J);
      state.fadeFrom[f] = from;
      state.fadeAt[f] = state.clock;
    }
    state.root.set(c.root.slice(3 * i, 3 * i + 3), 3 * f);
    state.rot.set(c.rot.slice(4 * J * i, 4 * J * (i + 1)), 4 * J * f);
    state.level[f] = c.level;
  }
  while (state.available < state.frames && state.level[state.available] > 0) state.available++;
  let complete = 99;
  for (let f = state.offset; f < state.frames; f++) complete = Math.min(complete, state.level[f]);
  if (complete > 0 && !state.levelsArrived.includes(complete)) state.levelsArrived.push(complete);
  state.playing = true;
}

async function stream(url, body, keepFrames = 0) {
  state.streaming = true;
  setBusy(true);
  status('streaming…');
  try {
    const res = await fetch(url, { method: 'POST', body });
    if (!res.ok) throw new Error((await res.json()).error || res.statusText);
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buf = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += decoder.decode(value, { stream: true });
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const msg = JSON.parse(buf.slice(0, nl));
        buf = buf.slice(nl + 1);
        if (msg.type === 'header') begin(msg, keepFrames);
        else if (msg.type === 'chunk') addChunk(msg);
        else if (msg.type === 'end') status(`done: ${state.frames} frames (${(state.frames / state.fps).toFixed(1)} s), levels ${state.levelsArrived.join(', ')}`);
        else if (msg.type === 'error') throw new Error(msg.message);
      }
    }
    if (state.character) await retargetOntoCharacter();
  } catch (e) {
    status(`error: ${e.message}`);
  } finally {
    state.streaming = false;
    setBusy(false);
  }
}

function request(extra = {}) {
  const seed = $('seed').value, guidance = $('guidance').value;
  return JSON.stringify({ text: $('prompt').value, duration: parseFloat($('duration').value) || 0,
                          seed: seed === '' ? null : parseInt(seed, 10), guidance: guidance === '' ? null : parseFloat(guidance),
                          ...extra });
}

function historyHere() {
  // The frames up to the one on screen, at most HISTORY_FRAMES of them; in a clip's first frames,
  // its first minHistory (a shorter history is refused by the server).
  const J = state.skeleton.names.length;
  const end = Math.max(1, Math.min(state.available, Math.max(state.minHistory, Math.floor(state.playhead) + 1)));
  const start = Math.max(0, end - HISTORY_FRAMES);
  return { end, history: { root: Array.from(state.root.subarray(3 * start, 3 * end)),
                           rot: Array.from(state.rot.subarray(4 * J * start, 4 * J * end)), fps: state.fps } };
}

// ---- character (retargeted by the client) ---------------------------------------------------
async function loadCharacter(file) {
  const data = await file.arrayBuffer();
  const res = await fetch(`/api/character?name=${encodeURIComponent(file.name)}`, { method: 'POST', body: data });
  const info = await res.json();
  if (info.error) throw new Error(info.error);
  const gltf = await new GLTFLoader().parseAsync(data, '');
  if (state.character) scene.remove(state.character.scene);
  gltf.scene.traverse((o) => { if (o.isMesh) o.castShadow = true; });
  const bones = {};
  gltf.scene.traverse((o) => { if (info.bones.includes(o.name)) bones[o.name] = o; });
  state.character = { scene: gltf.scene, bones, names: info.bones };
  scene.add(gltf.scene);
  status(`character ${file.name}: ${Object.keys(bones).length} bones driven`);
  if (state.available) await retargetOntoCharacter();
}

async function retargetOntoCharacter() {
  const J = state.skeleton.names.length;
  const res = await fetch('/api/retarget', { method: 'POST', body: JSON.stringify(
    { root: Array.from(state.root.subarray(0, 3 * state.available)), rot: Array.from(state.rot.subarray(0, 4 * J * state.available)), fps: state.fps }) });
  const out = await res.json();
  if (out.error) throw new Error(out.error);
  state.onRig = out;
  figure.group.visible = false;
}

function poseCharacter(frame) {
  const r = state.onRig, c = state.character, B = r.bones.length;
  r.bones.forEach((name, b) => {
    const bone = c.bones[name];
    if (!bone) return;
    bone.quaternion.set(...r.rot.slice(4 * (frame * B + b), 4 * (frame * B + b) + 4));
    if (b === 0) {
      const p = r.root.slice(3 * frame, 3 * frame + 3);
      bone.position.set($('root-motion').checked ? p[0] : 0, p[1], $('root-motion').checked ? p[2] : 0);
    }
  });
}

// ---- UI --------------------------------------------------------------------------------------
function status(text) { $('status').textContent = text; }
function setBusy(busy) { ['generate', 'continue', 'play-timeline'].forEach((id) => { $(id).disabled = busy || state.offline; }); }
const segments = [];
function renderSegments() {
  $('segments').innerHTML = '';
  segments.forEach((s) => { const li = document.createElement('li'); li.textContent = `${s.text} (${s.seconds} s)`; $('segments').appendChild(li); });
}

$('generate').onclick = () => stream('/api/generate', request());
$('continue').onclick = () => {
  if (!state.available) return stream('/api/generate', request());
  const { end, history } = historyHere();
  return stream('/api/generate', request({ history }), end);
};
$('add-segment').onclick = () => { segments.push({ text: $('prompt').value, seconds: parseFloat($('duration').value) || 2 }); renderSegments(); };
$('clear-timeline').onclick = () => { segments.length = 0; renderSegments(); };
$('play-timeline').onclick = () => segments.length && stream('/api/generate', request({ segments }));
$('open').onchange = async (ev) => {
  const file = ev.target.files[0];
  if (!file) return;
  try {
    if (/\.(glb|gltf|vrm)$/i.test(file.name)) await loadCharacter(file);
    else await stream(`/api/open?name=${encodeURIComponent(file.name)}`, await file.arrayBuffer());
  } catch (e) { status(`error: ${e.message}`); }
  ev.target.value = '';
};
async function download(format) {
  if (!state.available) return status('nothing to download yet');
  const J = state.skeleton.names.length;
  const res = await fetch(`/api/export?format=${format}`, { method: 'POST', body: JSON.stringify(
    { root: Array.from(state.root.subarray(0, 3 * state.available)), rot: Array.from(state.rot.subarray(0, 4 * J * state.available)),
      fps: state.fps, on_character: !!state.onRig }) });
  if (!res.ok) return status(`error: ${(await res.json()).error}`);
  const a = document.createElement('a');
  a.href = URL.createObjectURL(await res.blob());
  a.download = `deepmotion.${format}`;
  a.click();
}
$('download-bvh').onclick = () => download('bvh');
$('download-glb').onclick = () => download('glb');

fetch('/api/info').then((r) => r.json()).then((info) => {
  state.offline = !!info.offline;
  $('server').textContent = info.offline || `${info.model} · ${info.levels} levels`;
  $('model-licence').textContent = info.licence ? `Model weights: ${info.licence}` : '';
  if (info.limits) $('duration').max = info.limits.max_duration_s;
  if (info.limits && info.limits.min_history_frames) state.minHistory = info.limits.min_history_frames;
  setBusy(false);
});
fetch('/vendor/three/LICENSE').then((r) => r.text()).then((t) => { $('three-licence').textContent = t; });

// ---- the loop -----------------------------------------------------------------------------------
let last = performance.now();
function frame(now) {
  const dt = Math.min(0.1, (now - last) / 1000);
  last = now;
  state.clock += dt;
  if (state.available && figure) {
    if (!$('pause').checked) {
      const end = state.available - 1;
      state.playhead += dt * state.fps;
      if (state.playhead > end) state.playhead = state.streaming ? end : (state.playhead > end + state.fps ? 0 : state.playhead);
    }
    const { pose, frame: f } = samplePose();
    if (state.onRig && state.character && f < state.onRig.root.length / 3) poseCharacter(f);
    else drawFigure(forwardKinematics(pose));
    state.drawnFrames++;
  }
  badge();
  controls.update();
  renderer.render(scene, camera);
  requestAnimationFrame(frame);
}
requestAnimationFrame(frame);
