import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Starts the kind lane (the e2e project) before every other file. It is the
 * longest file by far and mostly waits on its cluster, so with two workers the
 * unit and integration files run one after another beside it instead of after
 * it; a clean clone has no duration cache to put it first by itself.
 */
export class KindLaneFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const isKindLane = (file: TestSpecification) => file.project.name === 'e2e';
    return [...sorted.filter(isKindLane), ...sorted.filter((file) => !isKindLane(file))];
  }
}
