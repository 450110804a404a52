// The names a rubric file may give in `parser:` / `pairwiseParser:`. Kept apart
// from the registry so the rubric schema can list them without importing the
// parsers (which import the schema's Scale type).
export const LISTWISE_PARSERS = ['json-listwise', 'model-blocks'] as const;
export type ListwiseParserName = (typeof LISTWISE_PARSERS)[number];
export const PAIRWISE_PARSERS = ['verdict', 'winner-reason-confidence'] as const;
export type PairwiseParserName = (typeof PAIRWISE_PARSERS)[number];
