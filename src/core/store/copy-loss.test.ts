import { describe, expect, it } from 'vitest';
import { copyLoss, cutValues, FLAT_LAYOUT_LOSS } from './copy-loss';

describe('cutValues', () => {
  it('counts the values PowerShell wrote as their type name', () => {
    // A Defender RawEventData as PowerShell saved it (otrf Microsoft365DefenderEvents.json).
    expect(cutValues('{"Folders":["@{Id=LgAA; Path=\\\\Inbox; FolderItems=System.Object[]}"],"OperationCount":7}')).toBe(1);
    expect(cutValues('{"status":"System.Collections.Hashtable","location":"System.Collections.Hashtable"}')).toBe(2);
    expect(cutValues('{"x":"System.Collections.Generic.List`1[System.String]","y":"System.String[]"}')).toBe(2);
    expect(cutValues('{"x":"System.Collections.Generic.Dictionary`2[System.String,System.Object]"}')).toBe(1);
    // JSON inside a JSON string (a Sentinel column), quotes escaped.
    expect(cutValues('{"Folders":"[{\\"FolderItems\\":\\"System.Object[]\\"}]"}')).toBe(1);
  });

  it('does not count type names in prose or whole values', () => {
    expect(cutValues('{"Id":"1","Operation":"MailItemsAccessed"}')).toBe(0);
    expect(cutValues('{"msg":"failed to cast System.Object[] to string"}')).toBe(0);
    expect(cutValues('{"Folders":[{"FolderItems":[{"InternetMessageId":"<a@b>"}]}]}')).toBe(0);
  });
});

describe('copyLoss', () => {
  it('ranks any flattened copy below any structured one', () => {
    expect(copyLoss('{"a":"System.Object[]","b":"System.Object[]"}', false)).toBe(2);
    expect(copyLoss('{"a":"1"}', true)).toBe(FLAT_LAYOUT_LOSS);
    expect(copyLoss('{"a":"System.Object[]"}', false)).toBeLessThan(copyLoss('{"a":"1"}', true));
  });
});
