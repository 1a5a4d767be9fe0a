import { describe, expect, it } from 'vitest';
import { ConcurrencyLimiter, type Feedback } from '../src/api/limiter.js';

/** A task whose end the test decides, reporting its own feedback. */
function gate() {
  let open: (feedback: Feedback) => void = () => {};
  const done = new Promise<Feedback>((resolve) => {
    open = resolve;
  });
  return { done, open };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('the adaptive limiter', () => {
  it('halves on pushback once per round of requests, and climbs back one slot per streak, never past its maximum', async () => {
    const changes: string[] = [];
    const limiter = new ConcurrencyLimiter(8, null, (limit, cause) => changes.push(`${limit} ${cause}`));
    const run = (feedback: Feedback) => limiter.run(undefined, () => Promise.resolve(feedback), (result) => result);

    // Three requests started together are all pushed back: one halving, not three.
    const started = [gate(), gate(), gate()];
    const running = started.map((task) => limiter.run(undefined, () => task.done, (result) => result));
    for (const task of started) task.open('pushback');
    await Promise.all(running);
    expect(changes).toEqual(['4 pushed back']);

    await run('pushback');
    expect(changes.at(-1)).toBe('2 pushed back');
    // 2 slots × 4 successes each before the third slot comes back, then 3 × 4 for the fourth.
    for (let index = 0; index < 7; index += 1) await run('success');
    expect(changes.at(-1)).toBe('2 pushed back');
    await run('success');
    expect(changes.at(-1)).toBe('3 recovered');
    for (let index = 0; index < 12; index += 1) await run('success');
    expect(changes.at(-1)).toBe('4 recovered');
    for (let index = 0; index < 4 * (4 + 5 + 6 + 7) + 50; index += 1) await run('success');
    expect(changes.slice(-4)).toEqual(['5 recovered', '6 recovered', '7 recovered', '8 recovered']);
    expect(changes.filter((change) => change === '8 recovered')).toHaveLength(1);
  });

  it('lets no more requests run at once than the lowered cap', async () => {
    const limiter = new ConcurrencyLimiter(4, null);
    let running = 0;
    let most = 0;
    const task = async (feedback: Feedback) => {
      running += 1;
      most = Math.max(most, running);
      await tick();
      running -= 1;
      return feedback;
    };
    await limiter.run(undefined, () => task('pushback'), (result) => result);
    await Promise.all(Array.from({ length: 20 }, () => limiter.run(undefined, () => task('neutral'), (result) => result)));
    expect(most).toBe(2);
  });
});

