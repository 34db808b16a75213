/** Small persistent preferences (the default model, the engine settings…) as JSON values by key. */
export interface SettingsRepository {
  get<T>(key: string): T | undefined
  set(key: string, value: unknown): void
  delete(key: string): void
}
