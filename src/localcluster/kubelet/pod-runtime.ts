import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { NODE_NAME, type ApiCore } from '../api/api-core.ts';
import type { EventRecorder } from '../api/event-recorder.ts';
import { clone, type KubeObject } from '../api/kube-object.ts';
import { kubeTime, stableStringify } from '../api/names.ts';
import { containerEnvironment, expandVars, type EnvSources } from './container-env.ts';
import { LogRing } from './log-ring.ts';
import type { OrphanGuard } from './orphan-guard.ts';
import { POD_LOCAL_PORT_ANNOTATION, resolvePodPort } from './port-mapping.ts';
import { killGroup, runProbe } from './probes.ts';

export interface KubeletContext {
  readonly core: ApiCore;
  readonly events: EventRecorder;
  readonly baseDir: string;
  readonly apiPort: () => number;
  readonly serviceEnv: (namespace: string) => EnvSources['services'];
  readonly allocatePort: () => Promise<number>;
  /** First CrashLoopBackOff delay; doubles per crash up to backoffMaxMs. */
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
  /** Kills the pods' process groups if the plane dies without stopping them (one per kubelet). */
  readonly orphanGuard?: OrphanGuard;
}

interface Terminated {
  exitCode: number;
  signal?: number;
  reason: string;
  message?: string;
  startedAt?: string;
  finishedAt: string;
  containerID?: string;
}

/** Pod annotation overriding every probe's period locally, in ms (periodSeconds is an integer ≥ 1 for kubectl). */
export const PROBE_PERIOD_ANNOTATION = 'rebound.dev/probe-period-ms';

const SIGNAL_NUMBERS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15, SIGABRT: 6, SIGSEGV: 11 };
/** A container that ran this long before exiting starts its back-off from the beginning again. */
const BACKOFF_RESET_AFTER_MS = 10_000;

/** One container of a pod, run as a local process group. */
class ContainerRuntime {
  child: ChildProcess | undefined;
  running = false;
  startedAtMs = 0;
  ready = false;
  restartCount = 0;
  lastTerminated: Terminated | undefined;
  waiting: { reason: string; message?: string } | undefined = { reason: 'ContainerCreating' };
  log = new LogRing();
  previousLog: string[] = [];
  backoffMs = 0;
  restartTimer: NodeJS.Timeout | undefined;
  probeTimers: NodeJS.Timeout[] = [];
  probesStopped = true;
  exited: Promise<void> = Promise.resolve();
  killedForLiveness = false;

  constructor(readonly spec: any) {}

  get name(): string {
    return this.spec.name;
  }

  stopProbes(): void {
    this.probesStopped = true;
    for (const timer of this.probeTimers) clearTimeout(timer);
    this.probeTimers = [];
  }
}

/** The local "kubelet" for one pod: processes, probes, restarts, graceful termination, status. */
export class PodRuntime {
  readonly uid: string;
  readonly namespace: string;
  readonly name: string;
  localPort = 0;
  private readonly containers: ContainerRuntime[];
  private terminating = false;
  private detachedFromStore = false;
  private killTimer: NodeJS.Timeout | undefined;
  private killDeadline = Infinity;
  private scheduledAt = Date.now();
  private readonly transitions = new Map<string, { status: string; at: string }>();
  private finishResolve!: () => void;
  /** Resolves once every process of the pod is gone. */
  readonly finished: Promise<void>;
  private isFinished = false;

  constructor(
    private readonly ctx: KubeletContext,
    pod: KubeObject,
  ) {
    this.uid = pod.metadata.uid!;
    this.namespace = pod.metadata.namespace ?? 'default';
    this.name = pod.metadata.name!;
    this.containers = (pod.spec?.containers ?? []).map((spec: any) => new ContainerRuntime(spec));
    this.finished = new Promise((resolve) => (this.finishResolve = resolve));
  }

  private current(): KubeObject | undefined {
    const pod = this.ctx.core.store.get('pods', this.namespace, this.name);
    return pod && pod.metadata.uid === this.uid ? pod : undefined;
  }

  async start(): Promise<void> {
    this.localPort = await this.ctx.allocatePort();
    const pod = this.current();
    if (!pod || this.terminating) return this.finishIfIdle();
    this.scheduledAt = Date.now();
    const next = clone(pod);
    next.spec.nodeName = NODE_NAME;
    next.metadata.annotations = { ...(next.metadata.annotations ?? {}), [POD_LOCAL_PORT_ANNOTATION]: String(this.localPort) };
    next.status = this.computeStatus(next);
    const scheduled = this.ctx.core.store.update('pods', next);
    this.ctx.events.record(scheduled, 'Normal', 'Scheduled', `Successfully assigned ${this.namespace}/${this.name} to ${NODE_NAME}`, 'default-scheduler');
    for (const container of this.containers) this.startContainer(container);
  }

  /** Graceful termination (deletionTimestamp set): SIGTERM now, SIGKILL after the grace period. */
  terminate(graceSeconds: number): void {
    const deadline = Date.now() + Math.max(0, graceSeconds) * 1000;
    if (this.terminating && deadline >= this.killDeadline) return;
    const first = !this.terminating;
    this.terminating = true;
    this.killDeadline = deadline;
    if (first) {
      for (const container of this.containers) {
        container.stopProbes();
        clearTimeout(container.restartTimer);
        container.ready = false;
      }
      this.sync();
      const pod = this.current();
      for (const container of this.containers) {
        if (!container.running) continue;
        if (pod) this.ctx.events.record(pod, 'Normal', 'Killing', `Stopping container ${container.name}`, 'kubelet', `spec.containers{${container.name}}`);
        killGroup(container.child?.pid, 'SIGTERM');
      }
    }
    clearTimeout(this.killTimer);
    this.killTimer = setTimeout(() => this.killAll('SIGKILL'), Math.max(0, deadline - Date.now()));
    this.finishIfIdle();
  }

  /** The pod object is gone (grace 0, or its namespace): kill at once, write nothing more. */
  forceKill(): void {
    this.detachedFromStore = true;
    this.terminating = true;
    for (const container of this.containers) {
      container.stopProbes();
      clearTimeout(container.restartTimer);
    }
    this.killAll('SIGKILL');
    this.finishIfIdle();
  }

  /** Cluster shutdown: SIGTERM, SIGKILL after min(grace, capMs); no store writes. */
  shutdown(capMs: number): Promise<void> {
    this.detachedFromStore = true;
    const grace = Math.min(capMs / 1000, Number(this.current()?.spec?.terminationGracePeriodSeconds ?? 30));
    if (!this.terminating) {
      this.terminating = true;
      for (const container of this.containers) {
        container.stopProbes();
        clearTimeout(container.restartTimer);
        if (container.running) killGroup(container.child?.pid, 'SIGTERM');
      }
    }
    clearTimeout(this.killTimer);
    this.killTimer = setTimeout(() => this.killAll('SIGKILL'), grace * 1000);
    this.finishIfIdle();
    return this.finished;
  }

  logs(container: string | undefined, previous: boolean, tailLines?: number): string[] {
    const c = container ? this.containers.find((x) => x.name === container) : this.containers[0];
    if (!c) return [];
    const lines = previous ? c.previousLog : c.log.tail();
    return tailLines !== undefined && tailLines >= 0 ? lines.slice(Math.max(0, lines.length - tailLines)) : lines;
  }

  hasContainer(name: string): boolean {
    return this.containers.some((c) => c.name === name);
  }

  /** Pids of the running process groups (for diagnostics and tests). */
  pids(): number[] {
    return this.containers.filter((c) => c.running && c.child?.pid).map((c) => c.child!.pid!);
  }

  private killAll(signal: NodeJS.Signals): void {
    for (const container of this.containers) if (container.running) killGroup(container.child?.pid, signal);
  }

  private finishIfIdle(): void {
    if (this.isFinished || !this.terminating) return;
    if (this.containers.some((c) => c.running)) return;
    this.isFinished = true;
    clearTimeout(this.killTimer);
    for (const container of this.containers) clearTimeout(container.restartTimer);
    if (!this.detachedFromStore && this.current()) this.ctx.core.store.remove('pods', this.namespace, this.name);
    this.finishResolve();
  }

  private startContainer(container: ContainerRuntime): void {
    if (this.terminating) return;
    const pod = this.current();
    if (!pod) return;
    const spec = container.spec;
    let env: Record<string, string>;
    try {
      env = containerEnvironment(spec, {
        pod,
        localPort: this.localPort,
        services: this.ctx.serviceEnv(this.namespace),
        apiPort: this.ctx.apiPort(),
        configMap: (ns, name) => this.ctx.core.store.get('configmaps', ns, name),
        secret: (ns, name) => this.ctx.core.store.get('secrets', ns, name),
      });
    } catch (error) {
      container.waiting = { reason: 'CreateContainerConfigError', message: (error as Error).message };
      this.ctx.events.record(pod, 'Warning', 'Failed', `Error: ${(error as Error).message}`, 'kubelet', `spec.containers{${container.name}}`);
      this.sync();
      this.scheduleRestart(container, pod);
      return;
    }
    const argv = [...(spec.command ?? []), ...(spec.args ?? [])].map((part: string) => expandVars(String(part), env));
    const workingDir = spec.workingDir ? (isAbsolute(spec.workingDir) ? spec.workingDir : resolve(this.ctx.baseDir, spec.workingDir)) : this.ctx.baseDir;
    if (!spec.command || spec.command.length === 0) {
      this.startFailed(container, pod, `no command: the local control plane ignores images (${spec.image ?? 'no image'}) and runs the container's command; set spec.containers[].command`);
      return;
    }
    if (!existsSync(workingDir)) {
      this.startFailed(container, pod, `chdir to cwd ("${workingDir}") set in config.json failed: no such file or directory`);
      return;
    }
    const file = argv[0] === 'node' ? process.execPath : argv[0]!;
    let child: ChildProcess;
    try {
      child = spawn(file, argv.slice(1), { cwd: workingDir, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      this.startFailed(container, pod, (error as Error).message);
      return;
    }
    this.ctx.orphanGuard?.watch(child.pid);
    container.child = child;
    container.killedForLiveness = false;
    let settled = false;
    let resolveExited!: () => void;
    container.exited = new Promise((r) => (resolveExited = r));
    child.stdout?.on('data', (chunk) => container.log.write(chunk));
    child.stderr?.on('data', (chunk) => container.log.write(chunk));
    child.once('spawn', () => {
      container.running = true;
      container.startedAtMs = Date.now();
      container.waiting = undefined;
      const current = this.current();
      if (current && !this.detachedFromStore) {
        this.ctx.events.record(current, 'Normal', 'Created', `Created container ${container.name}`, 'kubelet', `spec.containers{${container.name}}`);
        this.ctx.events.record(current, 'Normal', 'Started', `Started container ${container.name}`, 'kubelet', `spec.containers{${container.name}}`);
      }
      if (this.terminating) killGroup(child.pid, this.detachedFromStore ? 'SIGKILL' : 'SIGTERM');
      else this.startProbes(container, env, workingDir);
      this.sync();
    });
    child.once('error', (error: NodeJS.ErrnoException) => {
      if (settled) return;
      settled = true;
      resolveExited();
      if (container.running) return; // an error after spawn is followed by 'exit'
      const message = error.code === 'ENOENT' ? `exec: "${argv[0]}": executable file not found in $PATH` : error.message;
      this.startFailed(container, pod, message);
    });
    child.once('exit', (code, signal) => {
      if (settled && !container.running) return;
      settled = true;
      killGroup(child.pid, 'SIGKILL'); // stragglers left in the group
      this.ctx.orphanGuard?.unwatch(child.pid);
      container.running = false;
      container.ready = false;
      container.stopProbes();
      container.log.flush();
      const finishedAt = kubeTime();
      const exitCode = code ?? 128 + (SIGNAL_NUMBERS[signal ?? ''] ?? 0);
      container.lastTerminated = {
        exitCode,
        ...(signal ? { signal: SIGNAL_NUMBERS[signal] ?? 0 } : {}),
        reason: exitCode === 0 ? 'Completed' : 'Error',
        startedAt: kubeTime(container.startedAtMs),
        finishedAt,
        containerID: `rebound://${child.pid}`,
      };
      resolveExited();
      if (this.terminating) {
        this.sync();
        this.finishIfIdle();
        return;
      }
      this.onContainerExit(container, exitCode);
    });
  }

  private startFailed(container: ContainerRuntime, pod: KubeObject, message: string): void {
    container.running = false;
    container.lastTerminated = { exitCode: 128, reason: 'StartError', message, finishedAt: kubeTime() };
    container.log.write(`rebound: failed to start container ${container.name}: ${message}\n`);
    this.ctx.events.record(pod, 'Warning', 'Failed', `Error: failed to start container "${container.name}": ${message}`, 'kubelet', `spec.containers{${container.name}}`);
    if (this.terminating) {
      this.finishIfIdle();
      return;
    }
    this.onContainerExit(container, 128);
  }

  private onContainerExit(container: ContainerRuntime, exitCode: number): void {
    const pod = this.current();
    if (!pod) return;
    const policy = pod.spec?.restartPolicy ?? 'Always';
    const restart = policy === 'Always' || (policy === 'OnFailure' && exitCode !== 0) || container.killedForLiveness;
    if (!restart) {
      container.waiting = undefined;
      this.sync();
      return;
    }
    container.restartCount++;
    this.scheduleRestart(container, pod);
  }

  private scheduleRestart(container: ContainerRuntime, pod: KubeObject): void {
    const ranMs = container.startedAtMs ? Date.now() - container.startedAtMs : 0;
    if (ranMs >= BACKOFF_RESET_AFTER_MS) container.backoffMs = 0;
    container.backoffMs = container.backoffMs === 0 ? this.ctx.backoffBaseMs : Math.min(container.backoffMs * 2, this.ctx.backoffMaxMs);
    const lastLines = container.log.tail(10).join('\n');
    const seconds = container.backoffMs / 1000;
    if (container.waiting?.reason !== 'CreateContainerConfigError') {
      container.waiting = {
        reason: 'CrashLoopBackOff',
        message: `back-off ${seconds}s restarting failed container=${container.name} pod=${this.name}_${this.namespace}(${this.uid})${lastLines ? `; last log lines:\n${lastLines}` : ''}`,
      };
    }
    this.ctx.events.record(pod, 'Warning', 'BackOff', `Back-off restarting failed container ${container.name} in pod ${this.name}_${this.namespace}(${this.uid})`, 'kubelet', `spec.containers{${container.name}}`);
    this.sync();
    clearTimeout(container.restartTimer);
    container.restartTimer = setTimeout(() => {
      container.previousLog = container.log.tail();
      container.log = new LogRing();
      this.startContainer(container);
    }, container.backoffMs);
  }

  private startProbes(container: ContainerRuntime, env: Record<string, string>, cwd: string): void {
    container.probesStopped = false;
    const pod = this.current();
    const podSpec = pod?.spec;
    const readiness = container.spec.readinessProbe;
    const liveness = container.spec.livenessProbe;
    if (!readiness) container.ready = true;
    const schedule = (probe: any, onResult: (ok: boolean, message: string) => void) => {
      const override = Number(pod?.metadata.annotations?.[PROBE_PERIOD_ANNOTATION]);
      const periodMs = Math.max(20, override > 0 ? override : Number(probe.periodSeconds ?? 10) * 1000);
      const port = resolvePodPort(podSpec, this.localPort, probe.httpGet?.port ?? probe.tcpSocket?.port);
      const tick = async () => {
        if (container.probesStopped) return;
        const result = await runProbe(probe, { port, cwd, env, ...(this.ctx.orphanGuard ? { orphanGuard: this.ctx.orphanGuard } : {}) });
        if (container.probesStopped) return;
        onResult(result.ok, result.message);
        if (!container.probesStopped) container.probeTimers.push(setTimeout(tick, periodMs));
        container.probeTimers = container.probeTimers.filter((t) => t.hasRef());
      };
      container.probeTimers.push(setTimeout(tick, Math.max(0, Number(probe.initialDelaySeconds ?? 0) * 1000)));
    };
    if (readiness) {
      let successes = 0;
      let failures = 0;
      schedule(readiness, (ok, message) => {
        if (ok) {
          failures = 0;
          successes++;
          if (!container.ready && successes >= Number(readiness.successThreshold ?? 1)) {
            container.ready = true;
            this.sync();
          }
          return;
        }
        successes = 0;
        failures++;
        const current = this.current();
        if (current) this.ctx.events.record(current, 'Warning', 'Unhealthy', `Readiness probe failed: ${message}`, 'kubelet', `spec.containers{${container.name}}`);
        if (container.ready && failures >= Number(readiness.failureThreshold ?? 3)) {
          container.ready = false;
          this.sync();
        }
      });
    }
    if (liveness) {
      let failures = 0;
      schedule(liveness, (ok, message) => {
        if (ok) {
          failures = 0;
          return;
        }
        failures++;
        const current = this.current();
        if (current) this.ctx.events.record(current, 'Warning', 'Unhealthy', `Liveness probe failed: ${message}`, 'kubelet', `spec.containers{${container.name}}`);
        if (failures < Number(liveness.failureThreshold ?? 3) || !container.running) return;
        failures = 0;
        container.stopProbes();
        container.ready = false;
        container.killedForLiveness = true;
        if (current) this.ctx.events.record(current, 'Normal', 'Killing', `Container ${container.name} failed liveness probe, will be restarted`, 'kubelet', `spec.containers{${container.name}}`);
        this.sync();
        const pid = container.child?.pid;
        killGroup(pid, 'SIGTERM');
        const grace = Number(current?.spec?.terminationGracePeriodSeconds ?? 30) * 1000;
        const timer = setTimeout(() => {
          if (container.child?.pid === pid && container.running) killGroup(pid, 'SIGKILL');
        }, grace);
        void container.exited.then(() => clearTimeout(timer));
      });
    }
  }

  private condition(type: string, status: boolean, now: string): Record<string, unknown> {
    const value = status ? 'True' : 'False';
    const previous = this.transitions.get(type);
    if (!previous || previous.status !== value) this.transitions.set(type, { status: value, at: now });
    const condition: Record<string, unknown> = { type, status: value, lastProbeTime: null, lastTransitionTime: this.transitions.get(type)!.at };
    if (!status && (type === 'Ready' || type === 'ContainersReady')) {
      const notReady = this.containers.filter((c) => !c.ready).map((c) => c.name);
      condition.reason = this.terminating ? 'PodTerminating' : 'ContainersNotReady';
      condition.message = `containers with unready status: [${notReady.join(' ')}]`;
    }
    return condition;
  }

  private computeStatus(pod: KubeObject): any {
    const now = kubeTime();
    const terminating = this.terminating || Boolean(pod.metadata.deletionTimestamp);
    const allReady = this.containers.length > 0 && this.containers.every((c) => c.ready && c.running);
    const anyStarted = this.containers.some((c) => c.running || c.lastTerminated);
    const policy = pod.spec?.restartPolicy ?? 'Always';
    let phase = anyStarted ? 'Running' : 'Pending';
    const allDone = this.containers.every((c) => !c.running && c.lastTerminated && !c.restartTimer?.hasRef());
    if (policy !== 'Always' && allDone && anyStarted && this.containers.every((c) => c.waiting === undefined)) {
      phase = this.containers.every((c) => c.lastTerminated?.exitCode === 0) ? 'Succeeded' : 'Failed';
    }
    return {
      ...(pod.status ?? {}),
      phase,
      conditions: [
        this.condition('PodReadyToStartContainers', true, now),
        this.condition('Initialized', true, now),
        this.condition('Ready', allReady && !terminating, now),
        this.condition('ContainersReady', allReady && !terminating, now),
        { ...this.condition('PodScheduled', true, kubeTime(this.scheduledAt)) },
      ],
      hostIP: '127.0.0.1',
      hostIPs: [{ ip: '127.0.0.1' }],
      podIP: '127.0.0.1',
      podIPs: [{ ip: '127.0.0.1' }],
      startTime: kubeTime(this.scheduledAt),
      qosClass: pod.status?.qosClass ?? 'BestEffort',
      containerStatuses: this.containers.map((c) => {
        let state: Record<string, unknown>;
        if (c.running) state = { running: { startedAt: kubeTime(c.startedAtMs) } };
        else if (c.waiting) state = { waiting: c.waiting };
        else if (c.lastTerminated) state = { terminated: c.lastTerminated };
        else state = { waiting: { reason: 'ContainerCreating' } };
        const lastState = c.lastTerminated && !(state as any).terminated ? { terminated: c.lastTerminated } : {};
        return {
          name: c.name,
          image: c.spec.image ?? '',
          imageID: '',
          ...(c.child?.pid ? { containerID: `rebound://${c.child.pid}` } : {}),
          ready: c.ready && c.running && !terminating,
          started: c.running,
          restartCount: c.restartCount,
          state,
          lastState,
        };
      }),
    };
  }

  /** Writes the pod's status when it changed (never after the pod left the store). */
  private sync(): void {
    if (this.detachedFromStore) return;
    const pod = this.current();
    if (!pod || !pod.spec?.nodeName) return;
    const status = this.computeStatus(pod);
    if (stableStringify(status) === stableStringify(pod.status)) return;
    const next = clone(pod);
    next.status = status;
    this.ctx.core.store.update('pods', next);
  }
}
