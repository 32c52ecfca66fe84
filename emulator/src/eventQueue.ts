/** Something that happens at an emulator time: a transition completes, a backup becomes ready or expires. */
interface QueuedEvent {
  /** Emulator time, Unix ms. */
  time: number;
  /** Insertion order, so events at the same time fire in the order they were scheduled. */
  order: number;
  fire: () => void;
}

/**
 * A min-heap of timed events ordered by (time, insertion order): processing "everything due up to
 * now" is deterministic and costs O(log n) per event, even with thousands of backups waiting to
 * expire. Events are never removed early; each `fire` checks that its object is still current.
 */
export class EventQueue {
  private heap: QueuedEvent[] = [];
  private inserted = 0;

  /** Schedules `fire` to run at emulator time `time` (Unix ms). */
  push(time: number, fire: () => void): void {
    this.heap.push({ time, order: this.inserted++, fire });
    this.siftUp(this.heap.length - 1);
  }

  /** The time of the earliest event, or undefined when empty. */
  peekTime(): number | undefined {
    return this.heap[0]?.time;
  }

  /** Removes and returns the earliest event's callback. */
  pop(): (() => void) | undefined {
    const top = this.heap[0];
    const last = this.heap.pop();
    if (top === undefined || last === undefined) return undefined;
    if (this.heap.length > 0) {
      this.heap[0] = last;
      this.siftDown(0);
    }
    return top.fire;
  }

  /** Forgets every event. */
  clear(): void {
    this.heap = [];
  }

  private before(a: number, b: number): boolean {
    const x = this.heap[a] as QueuedEvent;
    const y = this.heap[b] as QueuedEvent;
    return x.time < y.time || (x.time === y.time && x.order < y.order);
  }

  private swap(a: number, b: number): void {
    const x = this.heap[a] as QueuedEvent;
    this.heap[a] = this.heap[b] as QueuedEvent;
    this.heap[b] = x;
  }

  private siftUp(index: number): void {
    let child = index;
    while (child > 0) {
      const parent = (child - 1) >> 1;
      if (!this.before(child, parent)) return;
      this.swap(child, parent);
      child = parent;
    }
  }

  private siftDown(index: number): void {
    let parent = index;
    for (;;) {
      const left = parent * 2 + 1;
      const right = left + 1;
      let smallest = parent;
      if (left < this.heap.length && this.before(left, smallest)) smallest = left;
      if (right < this.heap.length && this.before(right, smallest)) smallest = right;
      if (smallest === parent) return;
      this.swap(parent, smallest);
      parent = smallest;
    }
  }
}
