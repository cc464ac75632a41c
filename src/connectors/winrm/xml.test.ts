import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  childElement,
  childElements,
  deepText,
  escapeXml,
  findElement,
  parseXml,
  resolveQName,
  XmlParseError,
} from './xml.ts';

test('escaped text and attribute values come back unchanged', () => {
  const nasty = `a & b < c > d "e" 'f' &amp; ]]> \u00e9 🚀`;
  assert.equal(escapeXml('<&>"\''), '&lt;&amp;&gt;&quot;&apos;');
  const el = parseXml(`<r v="${escapeXml(nasty)}">${escapeXml(nasty)}</r>`);
  assert.equal(el.text, nasty);
  assert.equal(el.attrs.v, nasty);
});

test('elements are identified by namespace URI, whatever the prefix, including default and rebound ones', () => {
  const el = parseXml(
    '<a:root xmlns:a="urn:one" xmlns="urn:default" xml:lang="en-US">' +
      '<a:x>1</a:x><y>2</y><a:z xmlns:a="urn:two">3</a:z><b:w xmlns:b="urn:one">4</b:w></a:root>',
  );
  assert.deepEqual([el.name, el.ns, { ...el.attrs }], ['root', 'urn:one', { lang: 'en-US' }]);
  assert.deepEqual(
    el.children.map((c) => [c.name, c.ns, c.text]),
    [
      ['x', 'urn:one', '1'],
      ['y', 'urn:default', '2'],
      ['z', 'urn:two', '3'],
      ['w', 'urn:one', '4'],
    ],
  );
  assert.equal(childElement(el, 'w', 'urn:one')?.text, '4');
  assert.equal(childElement(el, 'z', 'urn:one'), undefined);
  assert.equal(childElements(el, 'x').length, 1);
  assert.equal(findElement(el, 'z', 'urn:two')?.text, '3');
});

test('only the XML entities and character references are expanded; DTDs and other entities are refused', () => {
  assert.equal(parseXml('<r>&lt;&gt;&amp;&quot;&apos;&#13;&#x1F680;</r>').text, '<>&"\'\r🚀');
  assert.equal(parseXml('<r><![CDATA[&amp; <raw>]]></r>').text, '&amp; <raw>');
  for (const bad of [
    '<r>&nbsp;</r>',
    '<r>&#0;</r>',
    '<r a="&foo;"/>',
    '<!DOCTYPE r [<!ENTITY x "boom">]><r>&x;</r>',
    '<!DOCTYPE r SYSTEM "file:///etc/passwd"><r/>',
  ]) {
    assert.throws(() => parseXml(bad), XmlParseError, bad);
  }
});

test('non-XML, truncated, multi-root and undeclared-prefix input is rejected with a clear error', () => {
  for (const bad of [
    '',
    'hello',
    '<r>',
    '<r><a></r>',
    '<r/><s/>',
    '<r>x</r>junk',
    '<p:r/>',
    '<r p:a="1"/>',
  ]) {
    assert.throws(() => parseXml(bad), XmlParseError, bad);
  }
  assert.throws(() => parseXml('<r><a></r>'), /not well-formed XML: .*line 1/);
});

test('text keeps its whitespace; comments, declarations and processing instructions are ignored', () => {
  const el = parseXml('<?xml version="1.0" encoding="utf-8"?><r>  a <!-- c --><?pi x?>b  </r>');
  assert.equal(el.text, '  a b  ');
  assert.equal(el.children.length, 0);
});

test('QName values resolve against the namespaces in scope; deepText joins nested text', () => {
  const el = parseXml('<s:V xmlns:s="urn:s" xmlns:w="urn:w">w:TimedOut<m>inner <b>bold</b></m></s:V>');
  assert.deepEqual(resolveQName(el, ' w:TimedOut '), { ns: 'urn:w', local: 'TimedOut' });
  assert.deepEqual(resolveQName(el, 'Plain'), { ns: '', local: 'Plain' });
  assert.equal(deepText(childElement(el, 'm')!), 'inner bold');
});

test('attribute and element names like Object.prototype members are kept as they are', () => {
  const el = parseXml('<r toString="z" valueOf="v"><hasOwnProperty>x</hasOwnProperty></r>');
  assert.deepEqual({ ...el.attrs }, { toString: 'z', valueOf: 'v' });
  assert.equal(el.children[0]?.name, 'hasOwnProperty');
  assert.equal(parseXml('<r/>').attrs.toString, undefined);
  for (const bad of ['<r __proto__="x"/>', '<r constructor="y"/>']) {
    assert.throws(() => parseXml(bad), XmlParseError, bad);
  }
});
