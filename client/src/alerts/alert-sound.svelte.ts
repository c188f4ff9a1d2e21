const BEEP_EVERY_MS = 4_000;

/**
 * A repeating beep while unacknowledged alerts are open. Browsers only allow audio
 * after a user gesture, so it starts switched off and `enable()` is called from a
 * button press.
 */
export class AlertSound {
  #enabled = $state(false);
  #ringing = $state(false);
  #context: AudioContext | null = null;
  #timer: ReturnType<typeof setInterval> | null = null;

  get enabled(): boolean {
    return this.#enabled;
  }

  get ringing(): boolean {
    return this.#ringing;
  }

  /** Must be called from a click or key press. */
  async enable(): Promise<void> {
    this.#context ??= new AudioContext();
    await this.#context.resume();
    this.#enabled = true;
    this.#update();
  }

  disable(): void {
    this.#enabled = false;
    this.#update();
  }

  /** Whether there is something to ring for; the sound follows while enabled. */
  setRinging(ringing: boolean): void {
    this.#ringing = ringing;
    this.#update();
  }

  destroy(): void {
    this.#stopTimer();
    void this.#context?.close().catch(() => undefined);
    this.#context = null;
  }

  #update(): void {
    if (this.#enabled && this.#ringing) {
      if (this.#timer) return;
      this.#beep();
      this.#timer = setInterval(() => this.#beep(), BEEP_EVERY_MS);
    } else {
      this.#stopTimer();
    }
  }

  #stopTimer(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  #beep(): void {
    const context = this.#context;
    if (!context || context.state !== 'running') return;
    const start = context.currentTime;
    for (const [offset, frequency] of [
      [0, 880],
      [0.3, 660],
    ] as const) {
      const oscillator = context.createOscillator();
      const gain = context.createGain();
      oscillator.type = 'sine';
      oscillator.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, start + offset);
      gain.gain.exponentialRampToValueAtTime(0.3, start + offset + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + offset + 0.25);
      oscillator.connect(gain).connect(context.destination);
      oscillator.start(start + offset);
      oscillator.stop(start + offset + 0.27);
    }
  }
}
