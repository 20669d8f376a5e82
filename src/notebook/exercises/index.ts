/** The registry of exercises, keyed by id (see ./types). */
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
