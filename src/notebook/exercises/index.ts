/** The registry of exercises, keyed by id (see ./types). */
import type { CheckReport, Exercise } from './types';

export type { CheckReport, Exercise } from './types';

const EXERCISES: readonly Exercise[] = [];

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
