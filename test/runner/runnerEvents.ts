/** The runner's event schema lives beside the TrainingRunner port; the tests check the same one. */
export * from '../../src/main/services/ports/runnerEvents'
