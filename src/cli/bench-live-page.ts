/** The live benchmark's page (bench-live.html): the trainer widget, and the page's lab for the benchmark to drive. */
import '../components/diffusion-trainer';
import { getLab } from '../lab/browser/lab-client';

(window as unknown as { getLab: typeof getLab }).getLab = getLab;
