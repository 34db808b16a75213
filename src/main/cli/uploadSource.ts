import { FsFileReader } from '../adapters/fs/FsFileReader'

/**
 * A local file as the API's upload source, so the CLI imports through `datasets.import` like the UI does. The
 * file name is the path as given, so errors name the file the person typed (`data/x.jsonl:12 field 'answer': …`).
 */
export async function uploadSource(path: string): Promise<{ kind: 'upload'; fileName: string; contentBase64: string }> {
  const bytes = await new FsFileReader().read(path)
  return { kind: 'upload', fileName: path, contentBase64: Buffer.from(bytes).toString('base64') }
}
