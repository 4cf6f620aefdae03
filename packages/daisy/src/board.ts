import {
  Clock,
  Cpu,
  CpuState,
  ExceptionModel,
  connectExceptionModel,
  SystemControlSpace,
  type CycleModel,
  type SocContext,
  type StopReport,
} from '@seedsim/core';
import type { ElfImage } from '@seedsim/elf';
import {
  SdCard,
  SystemBus,
  attachStorageAndAudioPeripherals,
  attachSystemPeripherals,
  type AudioSink,
  type AudioSource,
  type Sai,
  type StorageAndAudioPeripherals,
  type SystemPeripherals,
  Wm8731,
} from '@seedsim/soc';
import { IdealModel, M7Model, attachMpu, busTimingFromSoc, createTimingModel, type CycleSnapshot } from '@seedsim/timing';
import { UsbPcHost, memoryAt } from '@seedsim/soc';
import { WavRecorder, WavSource } from './audio-io.js';
import { APP_TYPES, detectAppType, type AppType, type AppTypeInfo } from './app-types.js';
import { DMA_STREAM_IRQS, EXCEPTION_IRQ_BASE, blockCycles, blockFramesGuess, servesSai, streamOnIrq } from './audio-path.js';
import { expectsPreV6Bootloader, loadBootImage, misplacedBootInfo } from './boot.js';
import { blockingFunctions, exemptCaller } from './blocking-calls.js';
import { RuleLog, type RuleEvent } from './diagnostics.js';
import { describeFaultStatus } from './fault-status.js';
import { LineWriterLog } from './line-writers.js';
import { Profiler } from './profiler.js';
import { TimedInput, timedBytes, timedPinLevels, type TimedBytes, type TimedPinLevel } from './serial-input.js';
import { SimulatedSeconds } from './simulated-seconds.js';
import { OutputWatch } from './output-watch.js';
import { FieldKeyboard, isFieldApp, type TimedKey } from './field-keyboard.js';
import { resolveWhatIf, type ResolvedWhatIf, type WhatIf } from './what-if.js';

/** Daisy Seed hardware revisions, told apart by firmware through PD3/PD4 (libdaisy-facts §8). */
export type BoardRevision = 'rev4' | 'seed1.1' | 'seed2-dfm';
export const BOARD_REVISIONS: readonly BoardRevision[] = ['rev4', 'seed1.1', 'seed2-dfm'];

export interface BoardOptions {
  /** Override the app type detected from the ELF. */
  boot?: AppType;
  revision?: BoardRevision;
  timing?: 'm7' | 'ideal';
  /** Audio into the codec's ADC side, SAI1 (default silence). */
  audioInput?: AudioSource;
  /** Audio out of the codec's DAC side, SAI1 (default discarded). */
  audioOutput?: AudioSink;
  /**
   * Audio into the second codec of four-channel boards (the Daisy Patch's AK4556 on SAI2): channels 3
   * and 4. Default: channels 3 and 4 of `audioInput` when it is a WavSource, else silence.
   */
  audioInput2?: AudioSource;
  /**
   * Audio out of the second codec (SAI2): channels 3 and 4. Default: channels 3 and 4 of `audioOutput`
   * when it is a WavRecorder, else discarded.
   */
  audioOutput2?: AudioSink;
  /** Called as each new rule event fires. */
  onRule?: (event: RuleEvent) => void;
  /** Characters the firmware writes to any U(S)ART. */
  onSerial?: (text: string) => void;
  /**
   * Characters the firmware sends over USB CDC-ACM on the micro-USB socket (OTG2_FS; libDaisy's
   * `hw.PrintLine` with LOGGER_INTERNAL), as read by the simulated PC terminal on that port.
   */
  onUsbSerial?: (text: string) => void;
  /** No PC on the micro-USB socket: the device connects but nobody enumerates it (default: a PC with a terminal). */
  noUsbHost?: boolean;
  /** Stop at the first rule event (`--strict`). */
  strict?: boolean;
  /**
   * Voltages on analog pins (knobs, CV inputs) as fractions of VREF+, by pin name ('PC4': 0.25). Pins
   * not listed read `analogDefault` (default 0.5, mid-scale).
   */
  analogInputs?: Readonly<Record<string, number>>;
  analogDefault?: number;
  /** What a BKPT does: stop the run with a report (default) or HardFault as on a board without a debugger. */
  bkpt?: 'stop' | 'hardfault';
  /**
   * An SD card in the SDMMC1 slot: an image (512-byte sectors, read and written in place) or a card the
   * caller made over one and keeps, to read its counters (blocks written) after the run. Without it the
   * slot is empty and card commands time out.
   */
  sdCard?: Uint8Array | SdCard;
  /**
   * MIDI into the board: bytes arriving on USART1's RX pin (PB7, libDaisy's MidiUartHandler default) at
   * their simulated time, sent at the baud rate the firmware programmed (31 250 for MIDI). Bytes that
   * arrive while the receiver is off (before the firmware starts MIDI, UE or RE clear) are lost, as on
   * hardware: {@link DaisyBoard.midiLost} counts them.
   */
  midiInput?: readonly TimedBytes[];
  /**
   * MIDI into the board over USB: bytes a DAW plays into the device on the micro-USB socket at their
   * simulated time, once the firmware's USB-MIDI device (libDaisy MidiUsbHandler) is enumerated and open;
   * sent as USB-MIDI event packets on its bulk OUT endpoint. Bytes that arrive before that (or when the
   * device is not a USB-MIDI one) are lost: {@link DaisyBoard.usbMidiLost} counts them.
   */
  usbMidiInput?: readonly TimedBytes[];
  /**
   * Levels driven onto GPIO pins from given simulated times: buttons, footswitches, toggles and gates
   * ('PB4' low at 0.5 s = a switch to ground pressed). A pin reads its level while configured as an input
   * (or alternate function); before its first event it reads its pull resistor, as an open switch leaves it.
   */
  gpioInput?: readonly TimedPinLevel[];
  /**
   * Daisy Field keys pressed and released at simulated times (a Field app: the image links DaisyField::Init).
   * Keys are numbered as libDaisy's DaisyField::KeyboardState(idx); they are released until pressed.
   */
  fieldKeys?: readonly TimedKey[];
  /**
   * What-if placements: symbols priced as if they lived in other regions, without rebuilding (what-if.ts).
   * Timing only (`timing: 'm7'`); the firmware runs as built.
   */
  whatIf?: readonly WhatIf[];
}

export type StopReason = 'budget' | 'fault' | 'lockup' | 'bkpt' | 'sleep-forever' | 'spin-forever' | 'system-reset' | 'rule' | 'stopped';

export interface FaultReport {
  exception: string;
  /** PC of the faulting instruction (stacked PC) and its function. */
  pc: number;
  location: string;
  status: string[];
  stacked: Record<string, number>;
  callStack: string[];
}

export interface RunOutcome {
  reason: StopReason;
  message: string;
  cycles: number;
  instructions: number;
  fault: FaultReport | null;
}

export interface RunLimits {
  maxCycles?: number;
  maxInstructions?: number;
}

/** Rules raised by a DMA transfer rather than by the instruction executing at the time. */
const DMA_SIDE_RULES = new Set(['dma-read-dirty-cache', 'dma-bus-error']);

const EXCEPTION_NAMES: Record<number, string> = { 2: 'NMI', 3: 'HardFault', 4: 'MemManage', 5: 'BusFault', 6: 'UsageFault' };

function hex(n: number): string {
  return `0x${(n >>> 0).toString(16).padStart(8, '0')}`;
}

/**
 * The Daisy Seed: an STM32H750 with its SDRAM, QSPI flash and codec, booted the way the image's app type
 * boots on the board. Builds the whole machine (bus, peripherals, core, exception model, timing model,
 * profiler) and runs it under budgets, turning rule reports, faults and stops into located events.
 */
export class DaisyBoard {
  readonly appType: AppTypeInfo;
  /** The what-if placements the timing model applies (BoardOptions.whatIf), null without. */
  readonly whatIf: ResolvedWhatIf | null = null;
  readonly clock = new Clock();
  readonly state = new CpuState();
  readonly bus: SystemBus;
  readonly exceptions: ExceptionModel;
  readonly scs: SystemControlSpace;
  readonly system: SystemPeripherals;
  readonly storage: StorageAndAudioPeripherals;
  readonly timing: IdealModel | M7Model;
  readonly profiler: Profiler;
  readonly cpu: Cpu;
  readonly rules: RuleLog;
  readonly revision: BoardRevision;
  serialOutput = '';
  /** Characters received over USB CDC by the simulated PC on the micro-USB socket (see {@link usbHost}). */
  usbSerialOutput = '';
  /** The simulated PC on OTG2_FS (the Seed's micro-USB socket), or null with `noUsbHost`. */
  readonly usbHost: UsbPcHost | null;
  /** Simulated seconds since power-on, following the CPU clock the firmware sets (what --seconds and the input times count). */
  readonly time: SimulatedSeconds;
  /** What the firmware drove onto its GPIO outputs (gates, LEDs) and DAC channels (CV outs). */
  readonly outputs: OutputWatch;
  /** The MIDI feeder on USART1 (BoardOptions.midiInput), null without MIDI. */
  readonly midiInput: TimedInput<readonly number[]> | null = null;
  /** The MIDI feeder over USB (BoardOptions.usbMidiInput), null without it. */
  readonly usbMidiInput: TimedInput<readonly number[]> | null = null;
  /** The pin drivers of BoardOptions.gpioInput, one per pin. */
  readonly gpioInput: readonly TimedInput<boolean>[] = [];
  /** --gpio pins that were an output or analog input when driven (nothing reads their level), once each. */
  readonly gpioUnread: { pin: string; cycle: number; mode: 'output' | 'analog input' }[] = [];
  /** The Daisy Field's key shift registers, for a Field app (one that links DaisyField::Init); else null. */
  readonly fieldKeyboard: FieldKeyboard | null = null;
  /** The feeder of BoardOptions.fieldKeys, null without them. */
  readonly fieldKeyInput: TimedInput<TimedKey> | null = null;
  /** The I2C codec of Seed 1.1, with the register writes the firmware made. */
  readonly codec: Wm8731 | null;

  private stop: { reason: StopReason; message: string } | null = null;
  private readonly lineWriters: LineWriterLog;
  private fault: FaultReport | null = null;
  private readonly strict: boolean;

  constructor(
    readonly image: ElfImage,
    options: BoardOptions = {},
  ) {
    this.appType = options.boot ? APP_TYPES[options.boot] : detectAppType(image);
    this.revision = options.revision ?? 'rev4';
    this.strict = options.strict ?? false;
    this.rules = new RuleLog(image.symbols, (event) => {
      options.onRule?.(event);
      if (this.strict && !this.stop) this.requestStop('rule', `rule ${event.rule} fired (--strict)`);
    });

    const context: SocContext = {
      clock: this.clock,
      unmodelled: (device, offset, isWrite, value) => this.reportUnmodelled(device, offset, isWrite, value),
      setIrq: (irq, level) => {
        if (level) this.checkAudioStillRunning(irq);
        this.exceptions.setIrqLevel(irq, level);
      },
      rule: (rule, address, isWrite, detail) => this.reportRule(rule, address, isWrite, detail),
    };

    this.bus = new SystemBus(context);
    this.system = attachSystemPeripherals(this.bus, context);
    this.storage = attachStorageAndAudioPeripherals(this.bus, context, this.system.rcc);
    if (options.sdCard) this.storage.sdmmc1.insert(options.sdCard instanceof Uint8Array ? new SdCard(options.sdCard) : options.sdCard);

    this.timing = createTimingModel(options.timing ?? 'm7', {
      onRule: (rule, address, isWrite, detail) => this.reportRule(rule, address, isWrite, detail),
      clock: this.clock,
    });
    const memory = this.timing instanceof M7Model ? this.timing.memory : null;
    if (options.whatIf !== undefined && options.whatIf.length > 0) {
      this.whatIf = resolveWhatIf(image, this.appType, options.whatIf);
      if (memory) memory.setPlacementOverrides(this.whatIf.overrides);
      else this.whatIf.warnings.push('what-if: the ideal timing model prices no memory, so a placement changes nothing');
    }
    this.exceptions = new ExceptionModel(this.state, this.bus, this.clock, {
      cycleModel: this.timing as CycleModel,
      cacheOps: memory,
      bkptPolicy: options.bkpt ?? 'stop',
      onStop: (report) => this.onExceptionStop(report),
      onSystemResetRequest: () => this.requestStop('system-reset', 'the firmware requested a system reset (AIRCR.SYSRESETREQ)'),
      onCcrChanged: (ccr) => {
        this.cpu.unalignedTrap = (ccr & (1 << 3)) !== 0;
        this.cpu.divByZeroTrap = (ccr & (1 << 4)) !== 0;
      },
    });
    this.scs = new SystemControlSpace(this.exceptions);
    this.scs.onUnmodelled = (offset, isWrite, value) => this.reportUnmodelled('SCS', offset, isWrite, value);
    this.bus.mapDevice(this.scs);
    this.bus.mapDevice(this.exceptions.dwt);
    this.bus.setMemoryTypeProvider((addr, isWrite) => {
      const type = this.exceptions.mpu.lookup(addr, isWrite, false, true) & 3;
      return type === 2 ? 'normal' : type === 1 ? 'device' : 'strongly-ordered';
    });

    // The profiler follows calls, returns and exceptions beside the timing model; the time between two of
    // those is work: clock cycles less the cycles the exception model skipped asleep (WFI, idle loops).
    const exceptions = this.exceptions;
    this.profiler = new Profiler(() => this.clock.cycles - exceptions.sleepCycles - exceptions.spinCycles, this.state, image.symbols);
    this.profiler.onExceptionEntry = (exceptionNumber) => this.onExceptionEntry(exceptionNumber);
    exceptions.flowObserver = this.profiler;
    this.cpu = new Cpu({ bus: this.bus, clock: this.clock, exceptions, cycleModel: this.timing as CycleModel, flowObserver: this.profiler, state: this.state });
    connectExceptionModel(this.exceptions, this.cpu);
    this.lineWriters = new LineWriterLog(this.cpu, this.state);
    if (memory) this.cpu.storeObserver = (addr) => this.lineWriters.store(addr);

    if (memory) {
      attachMpu(memory, this.exceptions.mpu);
      this.storage.dma1.setAccessObserver(memory);
      this.storage.dma2.setAccessObserver(memory);
      this.storage.sdmmc1.setAccessObserver(memory);
      const reconfigure = () => memory.configure(this.busTiming());
      this.system.rcc.clockTree.onChange(reconfigure);
      this.system.flash.onLatencyChange(reconfigure);
      this.storage.fmc.onTimingChange(reconfigure);
      this.storage.quadspi.onTimingChange(reconfigure);
      reconfigure();
    }

    this.time = new SimulatedSeconds(this.clock, this.system.rcc.clockTree);
    this.outputs = new OutputWatch(this.time, this.system.gpio, this.storage.dac, this.system.timers);
    if (options.midiInput && options.midiInput.length > 0) {
      this.midiInput = timedBytes(this.system.usarts.USART1, this.clock, this.time, options.midiInput);
    }
    for (const usart of Object.values(this.system.usarts)) {
      usart.attachDma(this.storage.dmamux);
      usart.onTransmit((byte) => {
        const text = String.fromCharCode(byte);
        this.serialOutput += text;
        options.onSerial?.(text);
      });
    }

    // A PC with a serial terminal on the micro-USB socket: idle until the firmware connects the device (DCTL.SDIS = 0).
    this.usbHost = options.noUsbHost ? null : new UsbPcHost(this.system.usb.OTG2_FS, this.clock, () => this.system.rcc.clockTree.clocks.cpu);
    if (this.usbHost) {
      const host = this.usbHost;
      host.onData = (data) => {
        if (host.enumeration.function !== 'cdc') return; // a USB-MIDI device's own MIDI out is not text
        const text = String.fromCharCode(...data);
        this.usbSerialOutput += text;
        options.onUsbSerial?.(text);
      };
      if (options.usbMidiInput && options.usbMidiInput.length > 0) {
        this.usbMidiInput = timedBytes(host, this.clock, this.time, options.usbMidiInput);
      }
    }

    // Board revision straps: rev4 leaves PD3/PD4 pulled up; Seed 1.1 grounds PD3; Seed 2 DFM grounds PD4.
    this.system.gpio.D.setInputLevel(3, this.revision !== 'seed1.1');
    this.system.gpio.D.setInputLevel(4, this.revision !== 'seed2-dfm');
    if (options.gpioInput && options.gpioInput.length > 0) {
      const gpio = this.system.gpio;
      for (const { pin } of options.gpioInput) {
        const match = /^P([A-K])(\d{1,2})$/.exec(pin);
        if (!match || !(match[1] in gpio) || Number(match[2]) > 15) throw new Error(`gpioInput: "${pin}" is not a GPIO pin (PA0 … PK15)`);
      }
      this.gpioInput = timedPinLevels(options.gpioInput, this.clock, this.time, (pin, level) => {
        const port = gpio[pin[1] as keyof typeof gpio];
        const n = Number(pin.slice(2));
        // MODER 1 (output) or 3 (analog): the level reaches no input buffer; say so once per pin.
        const mode = port.mode(n);
        if ((mode === 1 || mode === 3) && !this.gpioUnread.some((u) => u.pin === pin)) {
          this.gpioUnread.push({ pin, cycle: this.clock.cycles, mode: mode === 1 ? 'output' : 'analog input' });
        }
        port.setInputLevel(n, level);
      });
    }
    if (isFieldApp(this.image.symbols)) {
      const keyboard = new FieldKeyboard(this.system.gpio);
      this.fieldKeyboard = keyboard;
      const keys = (options.fieldKeys ?? []).map((e) => ({ seconds: e.seconds, value: e }));
      if (keys.length > 0) this.fieldKeyInput = new TimedInput((e) => keyboard.setKey(e.key, e.pressed), this.clock, this.time, keys);
    } else if (options.fieldKeys && options.fieldKeys.length > 0) {
      throw new Error(`fieldKeys: ${image.name} is not a Daisy Field app (it links neither libDaisy's DaisyField::Init nor DaisyDuino's InitField): no Field keyboard to press`);
    }
    // Seed 1.1's WM8731 codec answers on I2C2 at 0x1A (libdaisy-facts §8); the AK4556 and PCM3060 have no control bus.
    this.codec = this.revision === 'seed1.1' ? new Wm8731() : null;
    if (this.codec) this.system.i2c.I2C2.attach(this.codec);

    if (options.analogDefault !== undefined) this.storage.analog.defaultLevel = options.analogDefault;
    for (const [pin, level] of Object.entries(options.analogInputs ?? {})) this.storage.analog.set(pin, level);

    this.connectAudio(options);

    loadBootImage(this, this.appType.appType);
    const bootInfo = misplacedBootInfo(this, this.appType.appType);
    if (bootInfo !== null) {
      this.rules.record(
        'boot-info-misplaced',
        bootInfo,
        false,
        `daisy::boot_info is linked at 0x${bootInfo.toString(16)}, but the Daisy bootloader writes it at 0x38800000 (backup SRAM, section .backup_sram); ` +
          `neither the bootloader nor the startup code writes 0x${bootInfo.toString(16)}, so the bootloader version libDaisy reads there is whatever the RAM held ` +
          `(on hardware undefined: 0 means a pre-v6 bootloader, anything above 3 the newest). seedsim's RAM starts as zeros: libDaisy reads 0, takes the pre-v6 path ` +
          `and skips clock, MPU and SDRAM setup, so the app runs on the 64 MHz HSI`,
        this.state.r[15],
        this.clock.cycles,
        [],
      );
    }
    if (expectsPreV6Bootloader(this, this.appType.appType)) {
      this.rules.record(
        'bootloader-v5-expected',
        this.appType.appType === 'BOOT_QSPI' ? 0x9004_0000 : 0x2400_0000,
        false,
        `this ${this.appType.appType} app was built with libDaisy before v6 (it has no daisy::boot_info): its DaisySeed::Init skips clock, MPU and SDRAM setup ` +
          `outside internal flash, leaving them to the Daisy bootloader v5 or older, which set them up before jumping to the app. seedsim boots it as the ` +
          `v6 bootloader does (RCC at reset values), so it runs on the 64 MHz HSI with no PLL, no peripheral kernel clocks and no SDRAM, as it would on a ` +
          `Daisy flashed with the v6 bootloader: rebuild with libDaisy v6 or later (or link it for BOOT_NONE)`,
        this.state.r[15],
        this.clock.cycles,
        [],
      );
    }
    this.watchStack();
    this.watchHeap();
    this.watchAudioDeadlines();
    this.watchBlockingCalls();
  }

  /**
   * SAI1 carries channels 1 and 2, SAI2 (the Daisy Patch's second codec) channels 3 and 4. Each block
   * gets both ends: only an RX block reads its source and only a TX block writes its sink, whichever way
   * the firmware configures the block.
   */
  private connectAudio(options: BoardOptions): void {
    const input2 = options.audioInput2 ?? (options.audioInput instanceof WavSource ? options.audioInput.secondCodec(2) : undefined);
    const output2 = options.audioOutput2 ?? (options.audioOutput instanceof WavRecorder ? options.audioOutput.secondCodec(2) : undefined);
    const wiring: [Sai, AudioSource | undefined, AudioSink | undefined][] = [
      [this.storage.sai1, options.audioInput, options.audioOutput],
      [this.storage.sai2, input2, output2],
    ];
    for (const [sai, source, sink] of wiring) {
      if (source) {
        sai.setSource('A', source);
        sai.setSource('B', source);
      }
      if (sink) {
        sai.setSink('A', sink);
        sai.setSink('B', sink);
      }
    }
  }

  /** Calls from interrupt handlers to heap, delay and file functions (blocking-calls.ts). */
  private watchBlockingCalls(): void {
    const functions = blockingFunctions(this.image.symbols);
    if (functions.length === 0) return;
    this.profiler.watchCallsInHandlers(functions);
    this.profiler.onWatchedCallInHandler = (callee, reason, exceptionNumber) => {
      if (exceptionNumber < EXCEPTION_IRQ_BASE) return; // faults and system handlers are not the concern here
      const handler = this.handlerName(exceptionNumber);
      const name = this.image.symbols.describe(callee);
      // newlib-nano's rand() family allocates its state on the first call: name the real culprit.
      const caller = this.image.symbols.describe(this.cpu.curPc).split('+')[0];
      if (exemptCaller(caller)) return;
      const hint = /^(rand|random|srand|rand_r)$/.test(caller) ? ` (${caller}() allocates its state on its first call: call it once before StartAudio, or use a PRNG of your own)` : '';
      const detail = `${handler} (IRQ ${exceptionNumber - EXCEPTION_IRQ_BASE}) calls ${name}: ${reason}${hint}`;
      this.rules.record('blocking-call-in-interrupt', callee, false, detail, this.cpu.curPc, this.clock.cycles, this.profiler.callStack(), 'call');
    };
  }

  /**
   * An audio DMA interrupt must finish within the block it serves: by then the DMA comes back to the
   * buffer half the callback is writing. Checked at each completion of a handler whose stream DMAMUX1
   * routes to a SAI, against the block's length at the SAI frame rate (audio-path.ts).
   */
  private watchAudioDeadlines(): void {
    for (const irq of DMA_STREAM_IRQS) {
      this.profiler.onExceptionComplete(irq + EXCEPTION_IRQ_BASE, (cycles) => {
        // Already reported while it ran (checkAudioStillRunning): one overrun, one event.
        if (this.audioOverrunReported.has(irq) || !servesSai(this, irq)) return;
        const budget = blockCycles(this, irq);
        if (budget > 0 && cycles > budget) this.reportMissedDeadline(irq, cycles, budget, false);
      });
    }
  }

  /** Audio DMA interrupts running now: NVIC line → the cycle their handler's first instruction ran. */
  private readonly audioHandlerSince = new Map<number, number>();
  /** Audio DMA lines whose running handler has already been reported as late. */
  private readonly audioOverrunReported = new Set<number>();

  /**
   * The DMA raising an audio stream's interrupt again while that interrupt's handler still runs has
   * finished the next buffer half: the deadline is missed now, even if the handler never returns (one
   * stuck in a HAL timeout loop), and the report comes with the call stack where it is.
   */
  private checkAudioStillRunning(irq: number): void {
    const since = this.audioHandlerSince.get(irq);
    if (since === undefined || this.audioOverrunReported.has(irq) || !this.exceptions.isActive(irq + EXCEPTION_IRQ_BASE) || !servesSai(this, irq)) return;
    const budget = blockCycles(this, irq);
    if (budget <= 0) return;
    this.audioOverrunReported.add(irq);
    this.reportMissedDeadline(irq, this.clock.cycles - since, budget, true);
  }

  private reportMissedDeadline(irq: number, cycles: number, budget: number, stillRunning: boolean): void {
    const stream = streamOnIrq(this, irq)?.stream;
    const frames = blockFramesGuess(this, irq);
    const handler = this.handlerName(irq + EXCEPTION_IRQ_BASE);
    const ran = stillRunning
      ? `${handler} was still running after ${Math.round(cycles)} cycles when the DMA finished the next buffer half (a block of ${frames} frames lasts ${Math.round(budget)} cycles)`
      : `${handler} ran ${Math.round(cycles)} cycles for a block of ${frames} frames that lasts ${Math.round(budget)} cycles (${Math.round((100 * cycles) / budget)}% of it)`;
    const detail = `${ran}: the DMA reached the buffer half before the callback finished writing it, an audible click`;
    // Located at the handler's entry, so every overrun of one interrupt folds into one event.
    const entry = this.bus.peek(this.exceptions.vtor + 4 * (irq + EXCEPTION_IRQ_BASE), 4) & ~1;
    this.rules.record('audio-deadline-missed', stream?.m0ar ?? 0, true, detail, entry >>> 0, this.clock.cycles, this.profiler.callStack());
  }

  /**
   * The stack starts at the initial MSP and grows down towards the static data linked below it in the
   * same memory. Checked at every call and exception entry (one compare): SP below the end of that data
   * means the stack is overwriting variables.
   */
  private watchStack(): void {
    const top = this.state.r[13] >>> 0;
    const memory = memoryAt((top - 1) >>> 0);
    if (!memory) return;
    let limit = memory.base;
    let below = 'the start of ' + memory.name;
    for (const s of this.image.sections) {
      const end = s.address + s.size;
      if (s.allocated && s.size > 0 && s.address >= memory.base && end <= top && end > limit) {
        limit = end;
        below = `the end of ${s.name}`;
      }
    }
    this.profiler.stackLimit = limit;
    this.profiler.onStackBelowLimit = (sp) => {
      this.reportRule('stack-overflow', sp, true, `SP = ${hex(sp)} is below ${hex(limit)} (${below} in ${memory.name}): the stack has grown into the static data linked below it`);
      this.profiler.stackLimit = Math.min(this.profiler.stackLimit, sp);
    };
  }

  /**
   * newlib's _sbrk moves the heap break without checking a limit: an allocation larger than the memory
   * left runs past the end of the memory holding the heap (a bus error on first use, or other data), or
   * into the stack growing down in it. Checked at each return of _sbrk (or _sbrk_r), from its increment
   * (r0, or r1 for _sbrk_r) and the old break it returns.
   */
  private watchHeap(): void {
    let increment: number | null = null;
    const entry = (register: number) => () => {
      increment ??= this.state.r[register] | 0;
    };
    const complete = () => {
      const incr = increment;
      increment = null;
      const old = this.state.r[0] >>> 0;
      if (incr === null || incr <= 0 || old === 0xffff_ffff) return;
      const memory = memoryAt(old);
      if (!memory) return;
      const end = old + incr;
      const memoryEnd = memory.base + memory.size;
      const sp = this.state.r[13] >>> 0;
      const stackAbove = sp > old && sp <= memoryEnd;
      // Located at the first byte the block should not have: the end of the memory, or the stack.
      let at = 0;
      let detail: string | null = null;
      if (end > memoryEnd) {
        at = memoryEnd;
        detail = `the heap grew by ${incr} bytes at ${hex(old)} to ${hex(end)}, ${end - memoryEnd} bytes past the end of ${memory.name} (${hex(memoryEnd - 1)}): newlib's _sbrk checks no limit, so the block runs off the memory`;
      } else if (stackAbove && end > sp) {
        at = sp;
        detail = `the heap grew by ${incr} bytes at ${hex(old)} to ${hex(end)}, over the stack (SP = ${hex(sp)}) in ${memory.name}: newlib's _sbrk checks no limit`;
      }
      if (detail !== null) this.rules.record('heap-overflow', at, true, detail, this.state.r[15] >>> 0, this.clock.cycles, this.profiler.callStack());
    };
    for (const [name, register] of [['_sbrk', 0], ['_sbrk_r', 1]] as const) {
      const symbol = this.image.symbols.get(name);
      if (symbol === undefined || symbol.kind !== 'function') continue;
      this.profiler.onFunctionEntry(symbol, entry(register));
      this.profiler.onFunctionComplete(symbol, complete);
    }
  }

  /** MIDI bytes (BoardOptions.midiInput) lost so far because USART1's receiver was off when they arrived. */
  get midiLost(): number {
    return this.midiInput ? this.system.usarts.USART1.lostWhileDisabled : 0;
  }

  /**
   * What to tell the user about BoardOptions.gpioInput so far: pins driven while the firmware had them as
   * outputs or analog inputs, and events the run has not reached.
   */
  gpioInputNotes(): string[] {
    const notes = this.gpioUnread.map((u) => `--gpio ${u.pin}: the firmware had the pin as an ${u.mode} when it was driven (cycle ${u.cycle}), so nothing read the level: a wrong pin?`);
    const pending = this.gpioInput.reduce((n, feeder) => n + feeder.remaining, 0);
    if (pending > 0) notes.push(`--gpio: ${pending} event${pending === 1 ? '' : 's'} come${pending === 1 ? 's' : ''} after the end of the run and ${pending === 1 ? 'was' : 'were'} not applied`);
    return notes;
  }

  /** What became of the MIDI given to the board so far, for reports (run --json, bench): only the inputs given. */
  midiCounts(): { midi?: { received: number; lost: number }; usbMidi?: { delivered: number; lost: number } } {
    return {
      ...(this.midiInput ? { midi: { received: this.midiReceived, lost: this.midiLost } } : {}),
      ...(this.usbMidiInput ? { usbMidi: { delivered: this.usbMidiDelivered, lost: this.usbMidiLost } } : {}),
    };
  }

  /** MIDI bytes (BoardOptions.usbMidiInput) delivered to the firmware's USB-MIDI device so far. */
  get usbMidiDelivered(): number {
    return this.usbMidiInput && this.usbHost ? this.usbHost.midiDelivered : 0;
  }

  /** MIDI bytes (BoardOptions.usbMidiInput) lost because no USB-MIDI device was open when they arrived. */
  get usbMidiLost(): number {
    return this.usbMidiInput && this.usbHost ? this.usbHost.midiLost : 0;
  }

  /** MIDI bytes (BoardOptions.midiInput) USART1 has received into RDR so far (overruns excluded). */
  get midiReceived(): number {
    return this.midiInput ? this.system.usarts.USART1.framesReceived : 0;
  }

  /** The CPU clock the firmware has configured (RCC clock tree). */
  get cpuHz(): number {
    return this.system.rcc.clockTree.clocks.cpu;
  }

  /** Cycle accounts of the timing model (cumulative). */
  timingSnapshot(): CycleSnapshot {
    return this.timing.accounts.snapshot();
  }

  /** Runs until a budget is used up or the firmware stops (fault, lockup, BKPT, reset, strict rule). */
  run(limits: RunLimits = {}): RunOutcome {
    const maxCycles = limits.maxCycles ?? Infinity;
    const maxInstructions = limits.maxInstructions ?? Infinity;
    const stopAt = this.clock.cycles + maxCycles;
    const startInstructions = this.cpu.instructions;
    const startCycles = this.clock.cycles;
    while (!this.stop) {
      const left = maxInstructions - (this.cpu.instructions - startInstructions);
      if (left <= 0 || this.clock.cycles >= stopAt) break;
      this.cpu.run(Math.min(left, 1_000_000), stopAt);
      if (this.cpu.stopRequested && !this.stop) this.stop = { reason: 'stopped', message: 'the core stopped' };
    }
    const cycles = this.clock.cycles - startCycles;
    const instructions = this.cpu.instructions - startInstructions;
    if (this.stop) return { ...this.stop, cycles, instructions, fault: this.fault };
    const budget = this.clock.cycles >= stopAt ? `cycle budget of ${maxCycles} reached` : `instruction budget of ${maxInstructions} reached`;
    return { reason: 'budget', message: budget, cycles, instructions, fault: null };
  }

  /** Lets a stopped board run again (after `--strict` or a rule stop, for tests that want more). */
  clearStop(): void {
    this.stop = null;
    this.cpu.stopRequested = false;
  }

  requestStop(reason: StopReason, message: string): void {
    if (this.stop) return;
    this.stop = { reason, message };
    this.cpu.stopRequested = true;
  }

  private busTiming() {
    const clocks = this.system.rcc.clockTree.clocks;
    const sdram = this.storage.fmc.sdramTiming();
    const qspi = this.storage.quadspi.readTiming();
    return busTimingFromSoc(clocks, this.system.flash.waitStates, sdram, qspi);
  }

  private reportRule(rule: string, address: number, isWrite: boolean, detail: string): void {
    if (rule === 'dma-read-dirty-cache') {
      // Name the code that left the line dirty: the last CPU store to it, and the handler it ran in.
      const writer = this.lineWriters.writerOf(address);
      if (writer) {
        const handler = writer.exception >= 16 ? this.handlerName(writer.exception) : null;
        const stack = [this.image.symbols.describe(writer.pc).split('+')[0], ...(handler ? [`${handler} (exception ${writer.exception})`] : [])];
        this.rules.record(rule, address, isWrite, `${detail}; the line was last written by ${this.image.symbols.describe(writer.pc)}${handler ? ` in ${handler}` : ''}`, writer.pc, this.clock.cycles, stack, 'cpu');
        return;
      }
    }
    const origin = DMA_SIDE_RULES.has(rule) ? 'dma' : 'cpu';
    this.rules.record(rule, address, isWrite, detail, this.cpu.curPc, this.clock.cycles, this.profiler.callStack(), origin);
  }

  /** The function the vector table names for an exception number. */
  private handlerName(exceptionNumber: number): string {
    const vector = this.bus.peek((this.exceptions.vtor + 4 * exceptionNumber) >>> 0, 4);
    return this.image.symbols.describe((vector & ~1) >>> 0).split('+')[0];
  }

  private reportUnmodelled(device: string, offset: number, isWrite: boolean, value: number): void {
    this.rules.recordUnmodelled(`${device}+0x${offset.toString(16)}`, isWrite, value, this.cpu.curPc, this.clock.cycles);
  }

  private onExceptionStop(report: StopReport): void {
    const reason: StopReason = report.kind;
    this.requestStop(reason, `${report.reason} at ${this.image.symbols.describe(report.pc)} (pc ${hex(report.pc)})`);
  }

  /** A fault handler is being entered: stop with the decoded fault, as a debugger would. */
  private onExceptionEntry(exceptionNumber: number): void {
    const line = exceptionNumber - EXCEPTION_IRQ_BASE;
    if (DMA_STREAM_IRQS.includes(line)) {
      this.audioHandlerSince.set(line, this.clock.cycles);
      this.audioOverrunReported.delete(line);
    }
    const name = EXCEPTION_NAMES[exceptionNumber];
    if (!name || exceptionNumber === 2) return;
    const sp = this.state.r[13];
    const names = ['r0', 'r1', 'r2', 'r3', 'r12', 'lr', 'pc', 'xpsr'];
    const stacked: Record<string, number> = {};
    names.forEach((n, i) => {
      try {
        stacked[n] = this.bus.peek(sp + 4 * i, 4);
      } catch {
        stacked[n] = 0;
      }
    });
    const m = this.exceptions;
    const status = describeFaultStatus({ cfsr: m.cfsr, hfsr: m.hfsr, mmfar: m.mmfar, bfar: m.bfar });
    // A frame the MPU or the bus refused (MSTKERR, STKERR) was not written: the PC comes from the entry.
    const pc = m.unstackedReturnAddress >= 0 ? m.unstackedReturnAddress : stacked.pc;
    if (m.unstackedReturnAddress >= 0) status.push('the exception frame could not be stacked: the stack holds no saved registers');
    // IMPRECISERR (CFSR bit 10): the hardware records no address; seedsim knows the store it was.
    const store = m.lastRejectedStore;
    if (m.cfsr & (1 << 10) && store !== null) {
      status.push(`the write the bus rejected: ${this.image.symbols.describe(store.pc)} (pc ${hex(store.pc)}) to ${hex(store.address)}; stores are buffered on the Cortex-M7, so the fault comes after it and BFAR stays invalid`);
    }
    const callStack = this.profiler.callStack().slice(1);
    this.fault = {
      exception: name,
      pc,
      location: this.image.symbols.describe(pc),
      status,
      stacked,
      callStack,
    };
    // A handler that is only `b .` stops as spinning before its first instruction retires: the fault says more.
    if (this.stop?.reason === 'spin-forever') this.stop = null;
    this.requestStop('fault', `${name} at ${this.fault.location} (pc ${hex(pc)})${status.length ? `: ${status.join('; ')}` : ''}`);
  }
}
