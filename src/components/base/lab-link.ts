/**
 * One widget's link to the page's lab. Why: every lab widget (trainer, sampler, inpaint, latent,
 * bias) starts or joins the one lab per page in the same way, shows the same banner when it cannot
 * start, keeps its status for the "Backend: …" line and drops its listeners when it leaves the
 * page; doing it once keeps their behaviour and wording alike.
 *
 * The widget calls connect() itself once its `backend` and `assets-base` attributes have been read
 * (they choose the lab's settings), so the link does not connect on hostConnected.
 */
import type { ReactiveController } from 'lit';
import type { BackendPreference } from '../../backend/names';
import type { Lab, LabEvents, LabStatus } from '../../lab/lab-api';
import { connectLab, errorSentence } from '../trainer/lab-connection';
import type { DiffusionWidget } from './widget-base';

/** Listeners a widget keeps on the lab while it is on the page. */
export type LabListeners = { [K in keyof LabEvents]?: (e: CustomEvent<LabEvents[K]>) => void };

export class LabLink implements ReactiveController {
  private current: Lab | null = null;
  private labStatus: LabStatus | null = null;

  constructor(
    private readonly host: DiffusionWidget,
    private readonly listeners: LabListeners = {},
  ) {
    host.addController(this);
  }

  /** The page's lab, or null before connect() (or after the widget left the page). */
  get lab(): Lab | null {
    return this.current;
  }

  /** The backend the lab runs on, once it has started. */
  get status(): LabStatus | null {
    return this.labStatus;
  }

  set status(status: LabStatus | null) {
    this.labStatus = status;
    this.host.requestUpdate();
  }

  /**
   * Starts (or joins) the page's lab with the widget's settings and listens to it. Returns the lab
   * when this call connected, null when already connected or when the lab could not start (the
   * widget's banner then says why, under "lab").
   */
  connect(backend: BackendPreference, assetsBase: string | null, workers: number | 'auto' = 'auto'): Lab | null {
    if (this.current) return null;
    let lab: Lab;
    try {
      lab = connectLab(backend, assetsBase, workers);
    } catch (error) {
      this.host.showError('lab', `The lab could not start: ${errorSentence(error)}`);
      return null;
    }
    this.current = lab;
    this.eachListener((type, listener) => lab.addEventListener(type, listener));
    lab.ready().then(
      (status) => {
        this.status = status;
        this.host.clearError('lab');
      },
      (error: unknown) => this.host.showError('lab', `The lab could not start: ${errorSentence(error)} Reload the page to try again.`),
    );
    return lab;
  }

  /** Stops listening and forgets the lab (the lab itself stays: other widgets share it). */
  disconnect(): void {
    const lab = this.current;
    if (!lab) return;
    this.eachListener((type, listener) => lab.removeEventListener(type, listener));
    this.current = null;
  }

  hostDisconnected(): void {
    this.disconnect();
  }

  private eachListener(visit: <K extends keyof LabEvents>(type: K, listener: (e: CustomEvent<LabEvents[K]>) => void) => void): void {
    for (const type of Object.keys(this.listeners) as Array<keyof LabEvents>) {
      const listener = this.listeners[type];
      if (listener) visit(type, listener as (e: CustomEvent<LabEvents[typeof type]>) => void);
    }
  }
}
