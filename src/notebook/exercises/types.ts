/**
 * An exercise: the learner writes one function in a lesson's `js exercise ID` cell; hidden checks
 * run it against the library on random inputs and say what is wrong in the learner's terms.
 * The starter is the fence's body in the lesson's Markdown; the solution and the checks live here.
 */
export interface Exercise {
  /** Matches the fence's info string: ```js exercise <id>. */
  id: string;
  /** The lesson (number) whose Markdown holds the starter. */
  lesson: number;
  title: string;
  /** The name the learner's cell must define (a function), read from the kernel's shared scope. */
  entry: string;
  /** Source of a cell that defines `entry` correctly; revealed on request. */
  solution: string;
  /** Runs the learner's `entry` on random inputs against the library; never throws for a wrong answer. */
  check(entry: unknown): Promise<CheckReport>;
}

export interface CheckReport {
  passed: boolean;
  /** What passed or what is wrong, in the learner's terms ("ᾱ at t = 500 is 0.61, expected 0.078: …"). */
  messages: string[];
}
