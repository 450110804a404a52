// Public surface of the dataset stage; other stages import from here.
export { DatasetError, type DatasetErrorInfo, type DatasetWarning } from './errors.js';
export { JsonSplitter, splitJsonFile, readJsonLines, parseJsonText, type JsonText } from './json-stream.js';
export { nativeToSample, readNative } from './native.js';
export { cleanReference, ebmRlToSample, readEbmRl } from './ebm-rl.js';
export { llavaToSample, readLlava, splitPreamble, guessCharacterName } from './llava.js';
export { loadProfiles, parseProfiles, findFilm, findCharacter, normalizeName, type ProfileDb } from './profiles.js';
export { joinPersonas, renderProfile } from './persona.js';
export { loadOutputs, readOutputs, toRecordedOutput, type RecordedOutput, type OutputsReport } from './outputs.js';
export { Selector, fnv1a32, shardOf, parseShard, parseIds, parseLimit, type Selection, type Shard } from './selection.js';
export {
  DATASET_FORMATS,
  loadSamples,
  collectSamples,
  validateSplit,
  assertValidSplit,
  SampleStream,
  type DatasetFormat,
  type LoadOptions,
  type ValidationReport,
} from './load.js';
