// The parts of vis-timeline's standalone build the timeline uses. The package's own declarations
// for the standalone entry point at files its `exports` map does not expose, so they are restated
// here (narrowly, so a change of use shows up as a type error).
declare module 'vis-timeline/standalone' {
  export interface VisMoment {
    utcOffset(minutes: number): VisMoment;
    valueOf(): number;
  }
  export function moment(date?: Date | number | string): VisMoment;

  export class DataSet<T extends { id: string }> {
    constructor(items?: T[]);
    add(items: T | T[]): string[];
    update(items: T | T[]): string[];
    remove(ids: string | string[]): string[];
    clear(): string[];
    get(id: string): T | null;
    getIds(): string[];
    readonly length: number;
  }

  export interface TimelineEventProperties {
    item: string | null;
    group: string | null;
    what: string | null;
    time: Date;
    snappedTime: Date;
    pageX: number;
    pageY: number;
    x: number;
    y: number;
    event: Event;
  }

  export interface TimelineOptions {
    [key: string]: unknown;
  }

  export class Timeline {
    constructor(container: HTMLElement, items: DataSet<never>, groups: DataSet<never>, options?: TimelineOptions);
    on(event: string, callback: (props: never) => void): void;
    off(event: string, callback: (props: never) => void): void;
    setWindow(start: number | Date, end: number | Date, options?: { animation?: boolean }, callback?: () => void): void;
    getWindow(): { start: Date; end: Date };
    setOptions(options: TimelineOptions): void;
    setSelection(ids: string | string[], options?: { focus?: boolean; animation?: boolean }): void;
    getEventProperties(event: Event): TimelineEventProperties;
    redraw(): void;
    destroy(): void;
  }
}
