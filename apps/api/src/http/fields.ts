import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { isBusinessDate } from '@parcours/domain';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  registerDecorator,
  ValidateNested,
} from 'class-validator';

/**
 * One decorator per kind of field: validation and OpenAPI documentation come
 * from the same line, so the published contract cannot drift from what is checked.
 */
function optional(required: boolean) {
  return required ? [] : [IsOptional()];
}

function doc(required: boolean, options: Record<string, unknown>) {
  return required ? ApiProperty(options) : ApiPropertyOptional(options);
}

function IsBusinessDate(): PropertyDecorator {
  return (object: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isBusinessDate',
      target: object.constructor,
      propertyName: String(propertyName),
      validator: {
        validate: (value: unknown) => isBusinessDate(value),
        defaultMessage: () => `${String(propertyName)} doit être une date AAAA-MM-JJ valide`,
      },
    });
}

export const DateField = (required = true, description?: string) =>
  applyDecorators(...optional(required), IsBusinessDate(), doc(required, { type: String, format: 'date', example: '2025-03-14', description }));

export const CodeField = (values: readonly string[], required = true, description?: string) =>
  applyDecorators(
    ...optional(required),
    IsIn(values as string[], { message: `$property doit valoir l'un de : ${values.join(', ')}` }),
    doc(required, { enum: values, description }),
  );

export const CodeListField = (values: readonly string[], description?: string) =>
  applyDecorators(
    IsArray(),
    ArrayMaxSize(values.length),
    IsIn(values as string[], { each: true, message: `chaque élément de $property doit valoir l'un de : ${values.join(', ')}` }),
    ApiProperty({ enum: values, isArray: true, description }),
  );

/** An identifier or short label: no free text about the person goes through these. */
export const IdField = (required = true, description?: string, max = 100) =>
  applyDecorators(
    ...optional(required),
    IsString(),
    Length(1, max),
    Matches(/^[\p{L}\p{N}_.:' -]+$/u, { message: '$property ne peut contenir que lettres, chiffres, espaces et . : - _' }),
    doc(required, { type: String, description }),
  );

export const NameField = (required = true, description?: string) =>
  applyDecorators(...optional(required), IsString(), Length(1, 100), Matches(/^[\p{L}' .-]+$/u, { message: '$property doit être un nom' }), doc(required, { type: String, description }));

export const IntField = (min: number, max: number, required = true, description?: string) =>
  applyDecorators(...optional(required), IsInt(), Min(min), Max(max), doc(required, { type: Number, minimum: min, maximum: max, description }));

export const NumberField = (min: number, max: number, required = true, description?: string) =>
  applyDecorators(...optional(required), IsNumber({ allowNaN: false, allowInfinity: false }), Min(min), Max(max), doc(required, { type: Number, minimum: min, maximum: max, description }));

export const BoolField = (required = true, description?: string) => applyDecorators(...optional(required), IsBoolean(), doc(required, { type: Boolean, description }));

export const NestedField = (type: () => new () => object, required = true, description?: string) =>
  applyDecorators(...optional(required), ValidateNested(), Type(type), doc(required, { type, description }));

export const IdListField = (max: number, description?: string) =>
  applyDecorators(
    IsArray(),
    ArrayMaxSize(max),
    IsString({ each: true }),
    Length(1, 100, { each: true }),
    Matches(/^[\p{L}\p{N}_.:' -]+$/u, { each: true, message: 'chaque élément de $property doit être un code court' }),
    ApiProperty({ type: String, isArray: true, description }),
  );
