/** The runner's event schema lives with the app's PythonRunner adapter; the tests check the same one. */
export * from '../../src/main/adapters/python/runnerEvents'
