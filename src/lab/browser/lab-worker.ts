/**
 * The lab's Web Worker: requests from lab-client.ts run on a LabHost through the table-driven
 * dispatch of lab-dispatch.ts. Results' arrays, steps and events are transferred, not copied.
 */
import { labDispatcher, type PostToPage } from './lab-dispatch';
import { LabHost } from './lab-host';
import { transferablesOf, type ToWorker } from './protocol';

const post: PostToPage = (message, transfer) => self.postMessage(message, { transfer });

const host = new LabHost((event) => post(event, transferablesOf(event)));
const dispatch = labDispatcher(host, post);

self.addEventListener('message', (event: MessageEvent<ToWorker>) => dispatch(event.data));
