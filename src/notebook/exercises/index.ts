/**
 * The registry of exercises, keyed by id (see ./types).
 *
 * Adding one: write a module here exporting an `Exercise` (its check built from ./check-kit:
 * call the learner's function with `callLearner`, read the answer with `readNumbers`, and
 * `compare` it with the library's answer, listing the mistakes learners make as `Mistake`s with a
 * message in their terms); put the starter in the lesson as a ```js exercise <id> fence with the
 * signature described in the text around it; list it below; and give it known-wrong variants in
 * test/unit/notebook/exercises.test.ts, which checks that the starter fails, the solution passes
 * and each variant gets its message.
 */
import { alphaBarProduct } from './alpha-bar-product';
import { cosineAlphaBarExercise } from './cosine-alpha-bar';
import { ddimStep } from './ddim-step';
import { ddpmStep } from './ddpm-step';
import { closedFormNoise } from './forward-closed-form';
import { classifierFreeGuidanceExercise } from './guidance';
import { predictX0 } from './predict-x0';
import { sdeditStartExercise } from './sdedit-start';
import { timestepEmbedding } from './timestep-embedding';
import { trainingLoss } from './training-loss';
import type { CheckReport, Exercise } from './types';

export type { CheckReport, Exercise } from './types';

/** In course order. */
const EXERCISES: readonly Exercise[] = [
  closedFormNoise,
  alphaBarProduct,
  cosineAlphaBarExercise,
  predictX0,
  timestepEmbedding,
  trainingLoss,
  ddpmStep,
  ddimStep,
  classifierFreeGuidanceExercise,
  sdeditStartExercise,
];

export function listExercises(): readonly Exercise[] {
  return EXERCISES;
}

export function getExercise(id: string): Exercise | undefined {
  return EXERCISES.find((e) => e.id === id);
}

/** Checks the function the learner's cell left in `scope` under the exercise's entry name. */
export async function checkExercise(id: string, scope: Record<string, unknown>): Promise<CheckReport> {
  const exercise = getExercise(id);
  if (!exercise) return { passed: false, messages: [`There is no exercise "${id}".`] };
  if (typeof scope[exercise.entry] !== 'function') {
    return { passed: false, messages: [`Define a function named ${exercise.entry} in this cell, then run it again.`] };
  }
  return exercise.check(scope[exercise.entry]);
}
